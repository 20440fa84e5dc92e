using System.Diagnostics;
using System.Text.RegularExpressions;
using LocalRqa.Tests.Cli;

namespace LocalRqa.Tests.Display;

/// <summary>
/// What a real `rqa train ctl` shows: on a terminal (a pseudo-terminal from util-linux's `script`, replayed by
/// <see cref="TerminalScreen"/>, and tmux's own screen), every log line on its own line and the live status line gone
/// at the end; redirected, plain lines only; `--quiet` and `--log_level` on the console, the log file complete.
/// Each run logs a line per step and its checkpoint saves are slowed, so the status line is drawn between log lines.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed partial class LiveDisplayTests : IDisposable
{
    const int Columns = 100;
    const string Warning = "warning: --rrf_k 5 has no effect"; // "... with --fusion score or without a hybrid retriever (...)"

    readonly string work = Directory.CreateTempSubdirectory("rqa-display-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    string[] Run(string name, int steps, params string[] extra) => RqaProcess.SmallCtlRun(work, Path.Combine(work, name),
        ["--max_steps", steps.ToString(), "--save_steps", "1", "--logging_steps", "1", "--save_total_limit", "none", "--rrf_k", "5", .. extra]);

    /// <summary>The messages of a run's train.log, without their time stamps and levels.</summary>
    string[] LogLines(string name) => File.ReadAllLines(Path.Combine(work, name, "train.log"))
        .Select(l => LogStamp().Replace(l, "")).ToArray();

    [GeneratedRegex(@"^\[[^\]]+\] (INFO|WARNING) - ")]
    private static partial Regex LogStamp();

    /// <summary>A status line's counts, "(12.34/s, 00:00:01" or "(-/s, 00:00:01".</summary>
    [GeneratedRegex(@"\((\d+\.\d\d|-)/s, \d\d:\d\d:\d\d")]
    private static partial Regex StatusCounts();

    static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>A shell script that runs rqa with <paramref name="args"/> (for `script` and tmux, which take a command line).</summary>
    string Script(string[] args)
    {
        var path = Path.Combine(work, $"run-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "exec dotnet " + string.Join(' ', new[] { Path.Combine(AppContext.BaseDirectory, "rqa.dll") }.Concat(args).Select(Quote)) + "\n");
        return path;
    }

    static void Environment(ProcessStartInfo start, string term, bool noColor)
    {
        start.Environment["TERM"] = term;
        start.Environment["COLUMNS"] = Columns.ToString(); // a pseudo-terminal from `script` without a terminal of its own has no size
        start.Environment.Remove("NO_COLOR");
        if (noColor) start.Environment["NO_COLOR"] = "1";
        start.Environment["RQA_TEST_CHECKPOINT_SAVE_DELAY_MS"] = "300";
    }

    /// <summary>Runs rqa on a pseudo-terminal; returns its exit code and every byte the terminal received.</summary>
    (int Code, string Raw) InPseudoTerminal(string[] args, string term = "xterm-256color", bool noColor = false)
    {
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-qfec", "bash " + Quote(Script(args)), "/dev/null" }) start.ArgumentList.Add(a);
        Environment(start, term, noColor);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var raw = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "rqa under script did not finish");
        return (process.ExitCode, raw.Result);
    }

    /// <summary>Each of the log's lines on the screen, in order and whole (other lines, e.g. the save pauses', may come between).</summary>
    static void AssertLogLinesShownWhole(IReadOnlyList<string> screen, IReadOnlyList<string> log)
    {
        var at = 0;
        foreach (var line in log)
        {
            while (at < screen.Count && screen[at] != line) at++;
            Assert.True(at < screen.Count, $"log line not on the screen as a line of its own: {line}\n--- screen:\n{string.Join('\n', screen)}");
            at++;
        }
        Assert.DoesNotContain(screen, l => StatusCounts().IsMatch(l)); // no status left behind, nothing glued to one
    }

    [Fact]
    public void OnATerminalLogLinesStayWholeAboveTheStatusLineWhichIsGoneAtTheEnd()
    {
        var (code, raw) = InPseudoTerminal(Run("live", 6));
        Assert.True(code == 0, raw);
        Assert.Matches(@"\u001b\[2Kstep \d/6 \(", raw); // the status line was drawn (and cleared first)
        Assert.Contains($"\u001b[33m{Warning}", raw); // colour on a terminal
        var screen = TerminalScreen.Replay(raw, Columns).Lines;
        var log = LogLines("live");
        Assert.Contains(log, l => l.StartsWith("step 6/6: loss"));
        AssertLogLinesShownWhole(screen, log);
    }

    [Fact]
    public void NoColorTakesColourAwayButKeepsTheLiveLine()
    {
        var (code, raw) = InPseudoTerminal(Run("nocolor", 4), noColor: true);
        Assert.True(code == 0, raw);
        Assert.Contains(Warning, raw);
        Assert.DoesNotMatch(@"\u001b\[[0-9;]*m", raw);
        Assert.Matches(@"\u001b\[2Kstep \d/4 \(", raw);
    }

    [Fact]
    public void ADumbTerminalGetsPlainLines()
    {
        var (code, raw) = InPseudoTerminal(Run("dumb", 4), term: "dumb");
        Assert.True(code == 0, raw);
        Assert.DoesNotContain('\u001b', raw);
        Assert.DoesNotMatch("\r(?!\n)", raw); // the terminal's own CR LF only
        Assert.Contains("step 4/4: loss", raw);
    }

    [TmuxFact]
    public void TmuxShowsEveryLogLineWholeAndNoStatusAtTheEnd()
    {
        var socket = $"rqa-test-{System.Environment.ProcessId}-{Guid.NewGuid():N}";
        string Tmux(params string[] args)
        {
            var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-L", socket, "-f", "/dev/null" }.Concat(args)) start.ArgumentList.Add(a);
            Environment(start, "xterm-256color", noColor: false);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        var script = Script(Run("tmux", 6));
        try
        {
            Tmux("new-session", "-d", "-s", "rqa", "-x", Columns.ToString(), "-y", "50", $"bash {Quote(script)}; echo __rqa_exit=$?; sleep 120");
            var clock = Stopwatch.StartNew();
            string screen;
            do
            {
                Thread.Sleep(250);
                screen = Tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "rqa");
            } while (!screen.Contains("__rqa_exit=") && clock.Elapsed < TimeSpan.FromMinutes(3));
            Assert.Contains("__rqa_exit=0", screen);
            var lines = screen.Split('\n').Select(l => l.TrimEnd()).ToList();
            AssertLogLinesShownWhole(lines, LogLines("tmux"));
        }
        finally
        {
            Tmux("kill-server");
        }
    }

    (int Code, string Stderr) Redirected(string[] args)
    {
        var start = RqaProcess.StartInfo(args);
        start.Environment.Remove("NO_COLOR");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "rqa did not finish");
        return (process.ExitCode, stderr.Result);
    }

    [Fact]
    public void RedirectedOutputIsPlainLinesTheLogFileHasThemAll()
    {
        var (code, stderr) = Redirected(Run("redirected", 3));
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain('\r', stderr);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.Equal(LogLines("redirected"), stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("checkpoint save in progress")));
    }

    [Theory]
    [InlineData("--quiet", "true", true)]
    [InlineData("--log_level", "warning", true)]
    [InlineData("--log_level", "error", false)]
    public void QuietAndLogLevelThinTheConsoleNotTheLogFile(string flag, string value, bool warningShown)
    {
        var name = $"quiet-{value}";
        var (code, stderr) = Redirected(Run(name, 2, flag, value));
        Assert.True(code == 0, stderr);
        var log = LogLines(name);
        var warning = Assert.Single(log, l => l.StartsWith(Warning));
        Assert.Equal(warningShown ? warning + "\n" : "", stderr);
        Assert.Contains(log, l => l.StartsWith("step 2/2: loss"));
    }
}
