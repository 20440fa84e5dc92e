using LocalRqa.Arguments;
using LocalRqa.Cli;
using LocalRqa.Cli.Commands;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Whatever stops a run, a log file that exists ends with what stopped it: a user error (exit 2, its one line) or a
/// bug (the exception rethrown with its stack trace, and its type and message as the log's last line).
/// </summary>
public sealed class RunLogEndingTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-log-ending-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>A verb that opens its log file, logs a line, then fails with <paramref name="failure"/>.</summary>
    Command FailingVerb(string logPath, Exception failure) => new("fake", "fails after its log exists", [], (_, log) =>
    {
        log.AttachFile(logPath);
        log.WriteLine("working");
        throw failure;
    });

    [Fact]
    public void AUserErrorIsTheLogsLastLine()
    {
        var logPath = Path.Combine(work, "user.log");
        var stderr = new StringWriter();
        int exit = CommandLine.RunVerb(FailingVerb(logPath, new RqaException("data.jsonl:3: bad line")), ArgumentParser.Parse([]), stderr);

        Assert.Equal(CommandLine.UserErrorExitCode, exit);
        Assert.Equal("rqa: error: data.jsonl:3: bad line", stderr.ToString().Trim());
        var lines = File.ReadAllLines(logPath);
        Assert.EndsWith(" - working", lines[^2]);
        Assert.EndsWith("ERROR - rqa: error: data.jsonl:3: bad line", lines[^1]);
    }

    [Fact]
    public void ABugIsRethrownAndIsTheLogsLastLine()
    {
        var logPath = Path.Combine(work, "bug.log");
        var bug = new InvalidOperationException("index out of step");
        var thrown = Assert.Throws<InvalidOperationException>(() => CommandLine.RunVerb(FailingVerb(logPath, bug), ArgumentParser.Parse([]), new StringWriter()));

        Assert.Same(bug, thrown);
        var last = File.ReadAllLines(logPath)[^1];
        Assert.EndsWith("ERROR - rqa: internal error: System.InvalidOperationException: index out of step", last);
    }
}
