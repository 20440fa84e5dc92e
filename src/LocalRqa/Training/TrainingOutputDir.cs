using LocalRqa.Files;

namespace LocalRqa.Training;

/// <summary>
/// `--output_dir` before a run: taken for this run alone (<see cref="OutputDirLock"/>), then refused when it holds
/// another run unless overwriting or resuming.
/// </summary>
public static class TrainingOutputDir
{
    /// <returns>the folder's lock, held until the run ends</returns>
    public static OutputDirLock Prepare(TrainingArguments args)
    {
        var output = args.OutputDir;
        if (File.Exists(output)) throw new RqaException($"--output_dir {output} is a file, not a folder");
        var held = OutputDirLock.Acquire(output);
        try
        {
            var entries = Directory.EnumerateFileSystemEntries(output).Where(e => !OutputDirLock.IsLockFile(e)).ToList();
            if (entries.Count > 0 && !args.OverwriteOutputDir && args.ResumeFromCheckpoint is null)
                throw new RqaException($"--output_dir {output} already holds a run; pass --overwrite_output_dir to replace it or --resume_from_checkpoint to continue it");
            if (args.OverwriteOutputDir && args.ResumeFromCheckpoint is null)
                foreach (var entry in entries)
                    if (Directory.Exists(entry)) Directory.Delete(entry, true); else File.Delete(entry);
            // Staging folders of a save that was killed hold nothing anyone needs.
            foreach (var stale in Directory.GetDirectories(output, TrainingCheckpoints.Prefix + "*.tmp-*")) Directory.Delete(stale, true);
            ResultFiles.RemoveStale(output);
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }
}
