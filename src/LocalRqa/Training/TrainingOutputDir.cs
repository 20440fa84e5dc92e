using LocalRqa.Training.Arguments;

namespace LocalRqa.Training;

/// <summary>`--output_dir` before a run: refused when it holds another run unless overwriting or resuming.</summary>
public static class TrainingOutputDir
{
    public static void Prepare(TrainingArguments args)
    {
        var output = args.OutputDir;
        if (File.Exists(output)) throw new RqaException($"--output_dir {output} is a file, not a folder");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !args.OverwriteOutputDir && args.ResumeFromCheckpoint is null)
            throw new RqaException($"--output_dir {output} already holds a run; pass --overwrite_output_dir to replace it or --resume_from_checkpoint to continue it");
        if (args.OverwriteOutputDir && args.ResumeFromCheckpoint is null && Directory.Exists(output))
            foreach (var entry in Directory.EnumerateFileSystemEntries(output))
                if (Directory.Exists(entry)) Directory.Delete(entry, true); else File.Delete(entry);
        Directory.CreateDirectory(output);
        // Staging folders of a save that was killed hold nothing anyone needs.
        foreach (var stale in Directory.GetDirectories(output, TrainingCheckpoints.Prefix + "*.tmp-*")) Directory.Delete(stale, true);
    }
}
