namespace LocalRqa.Files;

/// <summary>Writes a file through a temporary sibling and a rename, so readers never see half a file.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new RqaException($"{path}: cannot write: {e.Message}", e);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>
    /// Fails early, before hours of work, when <paramref name="path"/> cannot be written: its folder is
    /// missing or read-only, or the path is a folder. Creates and removes a probe file beside it.
    /// </summary>
    public static void CheckWritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new RqaException($"{path}: is a folder, expected a file path");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new RqaException($"{path}: folder {folder} does not exist");
        var probe = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"{path}: cannot write: {e.Message}", e);
        }
        finally { File.Delete(probe); }
    }
}
