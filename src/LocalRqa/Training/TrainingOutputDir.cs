using LocalRqa.Files;

namespace LocalRqa.Training;

/// <summary>
/// `--output_dir` before a run: taken for this run alone (<see cref="OutputDirLock"/>), then refused when it holds
/// another run unless overwriting or resuming. `--resume_from_checkpoint true` in a folder without a checkpoint is
/// HF's "no valid checkpoint" error only when the folder holds a finished run; a run that was stopped before its first
/// checkpoint is started over (<see cref="StartsOver"/>), keeping what it saved that is still valid (reader scores).
/// </summary>
internal static class TrainingOutputDir
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
                throw new RqaException(IsInterruptedBeforeFirstCheckpoint(output)
                    ? $"--output_dir {output} already holds a run, stopped before its first checkpoint; pass --resume_from_checkpoint true to " +
                      "continue it (what it saved, such as DCA's reader scores, is reused) or --overwrite_output_dir to replace it"
                    : $"--output_dir {output} already holds a run; pass --resume_from_checkpoint true to continue it from its last checkpoint " +
                      "or --overwrite_output_dir to replace it");
            if (args.ResumesFromLatestCheckpoint && new TrainingCheckpoints(output).Latest() is null && HoldsFinishedRun(output))
                throw new RqaException($"--resume_from_checkpoint true: {output} holds a finished run and no checkpoint to resume from; " +
                                       "pass --overwrite_output_dir to train again");
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

    /// <summary>
    /// `--resume_from_checkpoint true` in a folder without a complete checkpoint (checked by <see cref="Prepare"/> to hold no
    /// finished run): the run starts over from step 0.
    /// </summary>
    public static bool StartsOver(TrainingArguments args) => args.ResumesFromLatestCheckpoint && new TrainingCheckpoints(args.OutputDir).Latest() is null;

    /// <summary>A finished (or evaluation-only) run leaves trainer_state.json at the folder's root; a killed one does not.</summary>
    static bool HoldsFinishedRun(string output) => File.Exists(Path.Combine(output, TrainerState.FileName));

    static bool IsInterruptedBeforeFirstCheckpoint(string output) => new TrainingCheckpoints(output).Latest() is null && !HoldsFinishedRun(output);
}
