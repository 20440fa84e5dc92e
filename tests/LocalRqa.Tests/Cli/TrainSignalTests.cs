using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalRqa.Encoders;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// A real `rqa train ctl` process sent Ctrl-C (SIGINT) or SIGTERM: it stops after the step with a checkpoint and exits
/// 130 or 143, saying so in its log, trainer_state.json and model card; a second Ctrl-C ends it at once.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainSignalTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-signal-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    ProcessStartInfo Rqa(string output)
    {
        var start = RqaProcess.StartInfo(RqaProcess.SmallCtlRun(work, output,
            "--max_steps", "20", "--save_steps", "1", "--logging_steps", "1", "--save_total_limit", "none"));
        // Every save pauses with its files written but not yet renamed: a window to send signals in.
        start.Environment["RQA_TEST_CHECKPOINT_SAVE_DELAY_MS"] = "1500";
        return start;
    }

    static void Send(Process process, string signal) => Process.Start("kill", ["-" + signal, process.Id.ToString()])!.WaitForExit();

    /// <summary>
    /// Starts the run and sends <paramref name="signal"/> when step 2 is logged (just before its checkpoint is saved);
    /// with <paramref name="again"/>, sends it a second time once the first was handled, while step 2's save is in progress.
    /// </summary>
    async Task<(int ExitCode, string Stderr)> StopWith(string output, string signal, bool again = false)
    {
        using var process = Process.Start(Rqa(output))!;
        var stderr = new System.Text.StringBuilder();
        bool sent = false, handled = false, saving = false, sentAgain = false;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
                if (!sent && e.Data.StartsWith("step 2/20:"))
                {
                    sent = true;
                    Send(process, signal);
                }
                handled |= sent && e.Data.Contains("stopping after this step");
                saving |= sent && e.Data.StartsWith("checkpoint save in progress");
                // Both seen: the first signal was handled and the stop checkpoint's save is paused, so this one lands in it.
                if (again && handled && saving && !sentAgain)
                {
                    sentAgain = true;
                    Send(process, signal);
                }
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the redirected stderr
        lock (stderr) return (process.ExitCode, stderr.ToString());
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task OneSignalStopsAfterTheStepWithACheckpointAndSaysSo(string signal, int exitCode)
    {
        var output = Path.Combine(work, "run");
        var (code, stderr) = await StopWith(output, signal);
        Assert.True(code == exitCode, $"exit {code}\n{stderr}");
        // Signalled as step 2 ends: its checkpoint is saved and the run stops there.
        Assert.Contains("stopped early at step 2 of 20", stderr);
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoint-2")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoint-3")));
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!;
        Assert.True(state["stopped_early"]!.GetValue<bool>());
        Assert.Equal(2, state["global_step"]!.GetValue<int>());
        Assert.Contains("stopped early at step 2 of 20", File.ReadAllText(Path.Combine(output, "README.md")));
        Assert.Contains("stopped early at step 2 of 20", File.ReadAllText(Path.Combine(output, "train.log")));
    }

    [Fact]
    public async Task ASecondCtrlCAbortsAtOnceAndKeepsTheLastCompleteCheckpoint()
    {
        var output = Path.Combine(work, "run");
        var clock = Stopwatch.StartNew();
        // The first Ctrl-C as step 2 ends, the second during the save of its (stop) checkpoint.
        var (code, stderr) = await StopWith(output, "INT", again: true);
        Assert.True(code == 130, $"exit {code}\n{stderr}");
        Assert.Contains("Ctrl-C again: aborting now", stderr);
        Assert.DoesNotContain("stopped early at step", stderr); // aborted inside the save, before the loop could stop
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoint-1")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoint-2"))); // its save never completed
        using (SentenceEncoder.Load(Path.Combine(output, "checkpoint-1"))) { }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
