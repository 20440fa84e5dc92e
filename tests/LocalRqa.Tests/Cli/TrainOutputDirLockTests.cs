using System.Diagnostics;
using LocalRqa.Training;

namespace LocalRqa.Tests.Cli;

/// <summary>One run per `--output_dir`: a second run on a folder in use fails at once naming the first one's PID.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainOutputDirLockTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-lock-").FullName;
    readonly string train;

    public TrainOutputDirLockTests()
    {
        train = Path.Combine(work, "train.jsonl");
        File.WriteAllLines(train, File.ReadLines(Path.Combine(TestPaths.SharedDataRoot, "faire", "train_w_q.jsonl")).Take(12));
    }

    public void Dispose() => Directory.Delete(work, true);

    string[] Flags(string output) =>
        ["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--train_file", train, "--output_dir", output,
         "--per_device_train_batch_size", "8", "--max_steps", "3", "--save_steps", "3", "--do_eval", "false", "--evaluation_strategy", "no",
         "--load_best_model_at_end", "false"];

    [Fact]
    public void AFolderHeldByAnotherRunIsRefusedAndAStaleLockIsTakenOver()
    {
        var output = Path.Combine(work, "run");
        using (OutputDirLock.Acquire(output))
        {
            var refused = CliRun.Of(Flags(output));
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"--output_dir {output} is in use by another run (PID {Environment.ProcessId})", refused.Stderr);
            Assert.Equal([OutputDirLock.LockFile, OutputDirLock.PidFile], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        }
        // A lock left by a run that died (its files stay, nobody holds them) does not block the next run.
        File.WriteAllText(Path.Combine(output, OutputDirLock.LockFile), "");
        File.WriteAllText(Path.Combine(output, OutputDirLock.PidFile), "999999");
        var run = CliRun.Of(Flags(output));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(File.Exists(Path.Combine(output, OutputDirLock.LockFile))); // released at the end
    }

    [Fact]
    public async Task TwoProcessesStartedTogetherOnOneFolderOneRunsOneIsRefused()
    {
        var output = Path.Combine(work, "shared");
        Process Start()
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rqa.dll"));
            foreach (var arg in Flags(output)) start.ArgumentList.Add(arg);
            return Process.Start(start)!;
        }
        using var first = Start();
        using var second = Start();
        var errors = await Task.WhenAll(first.StandardError.ReadToEndAsync(), second.StandardError.ReadToEndAsync());
        await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync());
        var codes = new[] { first.ExitCode, second.ExitCode };
        Assert.True(codes.Order().SequenceEqual([0, 2]), $"exit codes {codes[0]}, {codes[1]}\n{errors[0]}\n{errors[1]}");
        var refused = errors[Array.IndexOf(codes, 2)];
        var winner = codes[0] == 0 ? first : second;
        Assert.True(refused.Contains($"is in use by another run (PID {winner.Id})") || refused.Contains("already holds a run"), refused);
    }
}
