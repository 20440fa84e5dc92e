namespace LocalRqa.Files;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so readers never see half a file; a symlink's target is
/// written that way and the link kept, and a device or FIFO is written in place (<see cref="OutputTarget"/>).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var target = OutputTarget.Resolve(path);
        if (target.Streams)
        {
            WriteInPlace(path, target.Path, write);
            return;
        }
        var full = target.Path;
        var temporary = TemporaryName(full);
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
            // Named as the user knows it: the result's destination, without the temporary file .NET appends.
            throw new RqaException($"{ResultFiles.Destination(path)}: cannot write: {e.Message.Replace($" : '{temporary}'", "")}", e);
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
    /// missing or read-only, or the path is a folder. Creates and removes a probe file beside it (beside a symlink's
    /// target); a device or FIFO is not probed (opening a FIFO waits for its reader).
    /// </summary>
    public static void CheckWritable(string path)
    {
        var target = OutputTarget.Resolve(path);
        if (target.Streams) return;
        var folder = Path.GetDirectoryName(target.Path)!;
        if (!Directory.Exists(folder)) throw new RqaException($"{path}: folder {folder} does not exist");
        var probe = TemporaryName(target.Path);
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

    static string TemporaryName(string full) => $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>A device, FIFO or open descriptor: opened for writing (a FIFO waits for its reader) and written through.</summary>
    static void WriteInPlace(string path, string full, Action<Stream> write)
    {
        try
        {
            // A regular file reached through /dev/stdout or /proc/self/fd/N gets the output as its whole content.
            var mode = FileNode.Of(full)?.Kind == FileNodeKind.Regular ? FileMode.Truncate : FileMode.Open;
            using var stream = new FileStream(full, mode, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
            write(stream);
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"{path}: cannot write: {e.Message}", e);
        }
    }
}
