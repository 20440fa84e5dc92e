namespace LocalRqa.Training;

/// <summary>
/// Holds `--output_dir` for one run: an exclusive lock (flock on Unix) on <see cref="LockFile"/> inside it, with the
/// holder's PID beside it in <see cref="PidFile"/> for the message a second run gets. The kernel releases the lock
/// when its process dies, however it dies, so a lock left by a killed run never blocks the next one.
/// </summary>
internal sealed class OutputDirLock : IDisposable
{
    public const string LockFile = ".rqa-run.lock";
    public const string PidFile = ".rqa-run.pid";

    readonly FileStream stream;
    readonly string folder;

    OutputDirLock(FileStream stream, string folder)
    {
        this.stream = stream;
        this.folder = folder;
    }

    /// <summary>True for the lock's own files, which do not make a folder "hold a run".</summary>
    public static bool IsLockFile(string path) => Path.GetFileName(path) is LockFile or PidFile;

    /// <summary>Takes the folder (creating it), or fails at once naming the run that holds it.</summary>
    public static OutputDirLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(Path.Combine(folder, PidFile)) ? File.ReadAllText(Path.Combine(folder, PidFile)).Trim() : "unknown";
            throw new RqaException($"--output_dir {folder} is in use by another run (PID {holder}); wait for it or choose another folder");
        }
        File.WriteAllText(Path.Combine(folder, PidFile), Environment.ProcessId.ToString());
        return new OutputDirLock(stream, folder);
    }

    public void Dispose()
    {
        // The PID file first: once the lock is released another run may write its own.
        try { File.Delete(Path.Combine(folder, PidFile)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        try { File.Delete(Path.Combine(folder, LockFile)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        stream.Dispose();
    }
}
