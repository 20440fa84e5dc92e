namespace LocalRqa.Files;

/// <summary>
/// The result files of one run, written aside and moved into place together once all are complete
/// (<see cref="Commit"/>), so a run that fails (a full disk, a bad record, an exception) leaves none of its results
/// beside older ones; disposing without committing removes what was written aside. Each destination folder gets a
/// staging folder inside it, on the same file system, so committing is a few renames that need no space.
/// </summary>
internal sealed class ResultFiles : IDisposable
{
    /// <summary>Staging folders are named so; one left by a killed run can be recognised and removed.</summary>
    public const string StagingPrefix = ".rqa-staging-";

    readonly Dictionary<string, string> staging = []; // destination folder → its staging folder

    /// <summary>
    /// Where to write the result that belongs at <paramref name="path"/> (beside a symlink's target, which the commit
    /// replaces); a device or FIFO cannot be staged and is returned as it is, to be written in place.
    /// </summary>
    public string Stage(string path)
    {
        var target = OutputTarget.Resolve(path);
        return target.Streams ? path : Path.Combine(StagingFolder(Path.GetDirectoryName(target.Path)!), Path.GetFileName(target.Path));
    }

    /// <summary>Where to write results that belong in <paramref name="folder"/> (a model's files, charts): each entry moves there.</summary>
    public string StagingFolder(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (staging.TryGetValue(full, out var existing)) return existing;
        var created = Path.Combine(full, $"{StagingPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try { Directory.CreateDirectory(created); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"{folder}: cannot write: {e.Message}", e);
        }
        staging[full] = created;
        return created;
    }

    /// <summary>Moves every staged entry into its destination, replacing what is there.</summary>
    public void Commit()
    {
        foreach (var (folder, stage) in staging)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(stage))
            {
                var destination = Path.Combine(folder, Path.GetFileName(entry));
                if (Directory.Exists(entry))
                {
                    if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
                    Directory.Move(entry, destination);
                }
                else File.Move(entry, destination, overwrite: true);
            }
            Directory.Delete(stage, recursive: true);
        }
        staging.Clear();
    }

    /// <summary>Removes whatever was staged and not committed.</summary>
    public void Dispose()
    {
        foreach (var stage in staging.Values) DeleteQuietly(stage);
        staging.Clear();
    }

    /// <summary>The destination of a path inside a staging folder (the path itself elsewhere): what messages should name.</summary>
    public static string Destination(string path)
    {
        var stage = Path.GetDirectoryName(path);
        return stage is not null && Path.GetFileName(stage).StartsWith(StagingPrefix, StringComparison.Ordinal)
            ? Path.Combine(Path.GetDirectoryName(stage)!, Path.GetFileName(path))
            : path;
    }

    /// <summary>Staging folders in <paramref name="folder"/> left by a run that was killed (call only while no run uses the folder).</summary>
    public static void RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var stale in Directory.GetDirectories(folder, StagingPrefix + "*")) DeleteQuietly(stale);
    }

    /// <summary>
    /// Staging folders in <paramref name="folder"/> whose run is gone (killed: its PID, in the name, runs no process),
    /// removed; safe while other runs use the folder, as a live run's staging folder is left alone.
    /// </summary>
    public static void RemoveOrphaned(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var stale in Directory.GetDirectories(folder, StagingPrefix + "*"))
        {
            var name = Path.GetFileName(stale)[StagingPrefix.Length..];
            var dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], out int pid) && !ProcessIsRunning(pid)) DeleteQuietly(stale);
        }
    }

    static bool ProcessIsRunning(int pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}");

    static void DeleteQuietly(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
