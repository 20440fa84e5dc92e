using System.Text.Json.Nodes;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `--resume_from_checkpoint true` in a folder without a checkpoint: a run stopped before its first checkpoint is started
/// over (HF raises instead; rqa's rule is in docs/manual/train-ctl.md), a finished run is refused before any work.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainResumeWithoutCheckpointTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-resume-none-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void ARunStoppedBeforeItsFirstCheckpointIsStartedOverAndItsLogContinued()
    {
        // What a run killed before its first checkpoint leaves (DCA's real kill: TrainDcaKillTests).
        var output = Path.Combine(work, "stopped");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "all_args.json"), "{}");
        File.WriteAllText(Path.Combine(output, "train.log"), "the killed run's lines\n");

        var plain = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "2"));
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("stopped before its first checkpoint; pass --resume_from_checkpoint true to continue it", plain.Stderr);

        var resumed = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "2", "--resume_from_checkpoint", "true"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.StartsWith("the killed run's lines\n", log);
        Assert.Contains("has no checkpoint yet (the run stopped before its first); training starts over from step 0", log);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!["global_step"]!.GetValue<int>());
    }

    [Fact]
    public void AFinishedRunWithoutCheckpointsIsRefusedBeforeAnyWork()
    {
        var output = Path.Combine(work, "finished");
        var first = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "1"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        // The saved model kept, its checkpoints deleted to free space.
        foreach (var checkpoint in Directory.GetDirectories(output, "checkpoint-*")) Directory.Delete(checkpoint, true);

        var again = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "1", "--resume_from_checkpoint", "true"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"--resume_from_checkpoint true: {output} holds a finished run and no checkpoint to resume from", again.Stderr);
        Assert.DoesNotContain("steps from step", again.Stderr); // refused before the trainer started
    }
}
