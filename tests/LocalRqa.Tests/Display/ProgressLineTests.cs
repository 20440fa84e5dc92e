using LocalRqa.Display;

namespace LocalRqa.Tests.Display;

/// <summary>Progress lines on a clock the test drives.</summary>
public sealed class ProgressLineTests
{
    sealed class FakeClock
    {
        public TimeSpan Now;
        public TimeSpan Read() => Now;
    }

    [Fact]
    public void RedirectedItPrintsAPlainLineEveryFiveSeconds()
    {
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new ProgressLine("embedding documents", output, 100, live: null, clock.Read);
        for (var done = 1; done < 100; done++)
        {
            clock.Now = TimeSpan.FromSeconds(done * 0.5); // 2 per second
            progress.Report(done);
        }
        clock.Now = TimeSpan.FromSeconds(50);
        progress.Report(100);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(9, lines.Length); // at 5, 10, ..., 45 s; the last report prints nothing (the job logs its summary)
        Assert.Equal("embedding documents 10/100 (2.00/s, 00:00:05, ETA 00:00:45)", lines[0]);
        Assert.Equal("embedding documents 90/100 (2.00/s, 00:00:45, ETA 00:00:05)", lines[^1]);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void LiveItRedrawsAtMostFiveTimesASecondAndClearsWhenDone()
    {
        var clock = new FakeClock();
        var raw = new StringWriter();
        var console = new LiveConsole(raw, live: true, color: false, () => 80);
        var progress = new ProgressLine("step", TextWriter.Null, 20, console, clock.Read) { Details = () => "loss 0.412" };
        for (var step = 1; step < 20; step++)
        {
            clock.Now = TimeSpan.FromMilliseconds(100 * step);
            progress.Report(step);
        }
        Assert.Equal(9, raw.ToString().Split("\u001b[2K").Length - 1); // at 0.2, 0.4, ..., 1.8 s
        Assert.Equal(["step 18/20 (10.00/s, 00:00:01, ETA 00:00:00) loss 0.412"], TerminalScreen.Replay(raw.ToString(), 80).Lines);
        progress.Report(20);
        Assert.Empty(TerminalScreen.Replay(raw.ToString(), 80).Lines);
    }

    [Fact]
    public void TheEtaCountsTheWorkLeftWhenItemsDifferInCost()
    {
        // 100 texts, longest first: the first 50 cost 30 tokens each, the last 50 cost 10. Two seconds per 60 tokens.
        var clock = new FakeClock();
        var output = new StringWriter();
        var progress = new ProgressLine("embedding documents", output, 100, live: null, clock.Read);
        long work = 0;
        for (var done = 1; done <= 50; done++)
        {
            work += 30;
            clock.Now = TimeSpan.FromSeconds(work / 30.0);
            progress.Report(done, work, 2000);
        }
        // 500 tokens left at 30 tokens/s: 16.7 s (shown in whole seconds); counting texts (1/s) would say 50 s.
        Assert.EndsWith("embedding documents 50/100 (1.00/s, 00:00:50, ETA 00:00:16)", output.ToString().TrimEnd());
    }

    [Fact]
    public void ReportsFromParallelWorkersAreSafe()
    {
        // BM25 scores questions in parallel and reports each one done, in whatever order the workers finish.
        var ticks = 0L;
        var output = new StringWriter();
        var progress = new ProgressLine("bm25", output, 20_000, live: null, () => TimeSpan.FromMilliseconds(Interlocked.Increment(ref ticks)));
        var done = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => progress.Report(Interlocked.Increment(ref done)));
        var counts = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => int.Parse(l.Split(' ')[1].Split('/')[0])).ToList();
        Assert.NotEmpty(counts);
        Assert.Equal(counts.Order(), counts); // never backwards, though reports arrive out of order
    }
}
