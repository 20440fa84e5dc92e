using LocalRqa.Display;

namespace LocalRqa.Tests.Display;

/// <summary>The console's lines and status line, replayed on a terminal of known width.</summary>
public sealed class LiveConsoleTests
{
    const int Width = 60;
    const string Status = "step 5/12 (0.29/s, 00:00:14, ETA 00:00:24) loss 56.353";

    static (LiveConsole Console, StringWriter Raw) Live(bool color = false)
    {
        var raw = new StringWriter();
        return (new LiveConsole(raw, live: true, color: color, () => Width), raw);
    }

    [Fact]
    public void LogLinesGoAboveTheStatusLineWhichIsRedrawnWhole()
    {
        var (console, raw) = Live();
        console.ShowStatus("embedding documents 1104/1757 (237.31/s, 00:00:05, ETA 00:00:02)");
        console.ShowStatus(Status); // shorter than the line it replaces: nothing of the old one may stay
        console.WriteLine("step 6/12: loss 50.2322");
        console.Write("eval at step 6: ");
        console.ShowStatus(Status + ", recall4 0.000 @ step 4"); // a line being written is not cut by a redraw
        console.WriteLine("recall4 0.0000");
        var screen = TerminalScreen.Replay(raw.ToString(), Width);
        Assert.Equal(["step 6/12: loss 50.2322", "eval at step 6: recall4 0.0000", (Status + ", recall4 0.000 @ step 4")[..58] + "…"], screen.Lines);
    }

    [Fact]
    public void ClearingTheStatusLeavesOnlyTheLogLines()
    {
        var (console, raw) = Live();
        console.ShowStatus(Status);
        console.WriteLine("embedded 1757 documents in 7.9 s");
        console.ClearStatus();
        console.WriteLine("eval at step 0: recall4 0.0000");
        Assert.Equal(["embedded 1757 documents in 7.9 s", "eval at step 0: recall4 0.0000"], TerminalScreen.Replay(raw.ToString(), Width).Lines);
    }

    [Fact]
    public void DisposingClearsAStatusThatWasNeverFinished()
    {
        var (console, raw) = Live();
        console.WriteLine("training ctl: 12 steps");
        console.ShowStatus(Status);
        console.Dispose();
        Assert.Equal(["training ctl: 12 steps"], TerminalScreen.Replay(raw.ToString(), Width).Lines);
    }

    [Fact]
    public void RedirectedOutputHasNoCarriageReturnsEscapesOrStatus()
    {
        var raw = new StringWriter();
        var console = new LiveConsole(raw, live: false, color: true, () => Width);
        console.ShowStatus(Status);
        console.Write("half a line\r");
        console.WriteLine(", then the rest");
        console.WriteLine("warning: x has no effect");
        Assert.Equal("half a line, then the rest\nwarning: x has no effect\n", raw.ToString());
    }

    [Fact]
    public void ColourMarksWarningsAndErrorsOnlyWhenAllowed()
    {
        var (coloured, raw) = Live(color: true);
        coloured.WriteLine("warning: --rrf_k 5 has no effect");
        coloured.WriteLine("rqa: error: no such file");
        coloured.WriteLine("loaded 3 documents");
        Assert.Equal("\u001b[33mwarning: --rrf_k 5 has no effect\u001b[0m\n\u001b[31mrqa: error: no such file\u001b[0m\nloaded 3 documents\n", raw.ToString());

        var (plain, plainRaw) = Live(color: false); // NO_COLOR
        plain.WriteLine("warning: --rrf_k 5 has no effect");
        Assert.Equal("warning: --rrf_k 5 has no effect\n", plainRaw.ToString());
    }

    [Theory]
    [InlineData(nameof(ConsoleLevel.Info), "loaded 3 documents|warning: w|rqa: error: e")]
    [InlineData(nameof(ConsoleLevel.Warning), "warning: w|rqa: error: e")]
    [InlineData(nameof(ConsoleLevel.Error), "rqa: error: e")]
    // The level by name: ConsoleLevel is internal, and a public test method cannot take it.
    public void TheLevelHidesLinesBelowIt(string levelName, string shown)
    {
        var level = Enum.Parse<ConsoleLevel>(levelName);
        var (console, raw) = Live();
        console.Level = level;
        console.ShowStatus(Status);
        console.WriteLine("loaded 3 documents");
        console.WriteLine("warning: w");
        console.ClearStatus();
        console.WriteLine("rqa: error: e");
        Assert.Equal(shown.Split('|'), TerminalScreen.Replay(raw.ToString(), Width).Lines);
        if (level != ConsoleLevel.Info) Assert.DoesNotContain("step 5/12", raw.ToString()); // no progress either
    }
}
