using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalRqa.Encoders;

namespace LocalRqa.Tests.Cli;

/// <summary>A real `rqa train ctl` process killed (SIGKILL) in the middle of writing a checkpoint.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainCtlKillTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-kill-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    ProcessStartInfo Rqa(string output, params string[] extra) =>
        RqaProcess.StartInfo(RqaProcess.SmallCtlRun(work, output, ["--max_steps", "6", "--save_steps", "1", "--save_total_limit", "10", .. extra]));

    [Fact]
    public async Task KillDuringASaveLeavesThePreviousCheckpointLoadableAndResumable()
    {
        var output = Path.Combine(work, "run");
        var start = Rqa(output);
        start.Environment["RQA_TEST_CHECKPOINT_SAVE_DELAY_MS"] = "4000";
        using var process = Process.Start(start)!;
        var saves = 0;
        var killed = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            // The second save (step 2) is paused with its files written but not renamed: kill it there.
            if (e.Data?.StartsWith("checkpoint save in progress") == true && ++saves == 2)
            {
                process.Kill(entireProcessTree: true);
                killed.Set();
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(killed.Wait(TimeSpan.FromSeconds(90)), "the run never reached its second checkpoint save");
        await process.WaitForExitAsync();

        Assert.True(Directory.Exists(Path.Combine(output, "checkpoint-1")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoint-2")));
        Assert.NotEmpty(Directory.GetDirectories(output, "checkpoint-2.tmp-*")); // the interrupted save, never renamed
        using (var encoder = SentenceEncoder.Load(Path.Combine(output, "checkpoint-1")))
            Assert.Equal(1, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "checkpoint-1", "trainer_state.json")))!["global_step"]!.GetValue<int>());

        using var resumed = Process.Start(Rqa(output, "--resume_from_checkpoint", "true"))!;
        var stderrTask = resumed.StandardError.ReadToEndAsync();
        await resumed.StandardOutput.ReadToEndAsync();
        await resumed.WaitForExitAsync();
        var stderr = await stderrTask;
        Assert.True(resumed.ExitCode == 0, stderr);
        Assert.Contains("resumed from", stderr);
        Assert.Equal(6, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!["global_step"]!.GetValue<int>());
        Assert.Empty(Directory.GetDirectories(output, "*.tmp-*"));
    }
}
