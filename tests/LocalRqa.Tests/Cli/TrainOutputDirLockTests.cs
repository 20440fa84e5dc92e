using System.Diagnostics;
using LocalRqa.Training;

namespace LocalRqa.Tests.Cli;

/// <summary>One run per `--output_dir`: a second run on a folder in use fails at once naming the first one's PID.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainOutputDirLockTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-lock-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    string[] Flags(string output) => RqaProcess.SmallCtlRun(work, output, "--max_steps", "3", "--save_steps", "3");

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
        Process Start() => Process.Start(RqaProcess.StartInfo(Flags(output)))!;
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
