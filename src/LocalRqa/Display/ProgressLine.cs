using System.Diagnostics;

namespace LocalRqa.Display;

/// <summary>
/// Progress of long work (embedding, scoring, training steps): "embedding documents 512/1757 (21.40/s, 00:00:24,
/// ETA 00:00:58) loss ...". On a live console it is the status line, redrawn at most five times a second; otherwise a
/// plain line every few seconds, written to the plain writer. The rate and ETA come from the last half minute
/// (<see cref="Throughput"/>), of the work when the caller says what each item costs (<see cref="IWorkProgress"/>). When the work is done the line goes away: the jobs log what it came to ("embedded 1757
/// documents in 7.9 s"), and a closing progress line would only repeat it.
/// </summary>
internal sealed class ProgressLine : IWorkProgress
{
    static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(30);

    /// <summary>Extra text after the counts, e.g. the last loss and eval metric of a training run.</summary>
    public Func<string>? Details { get; set; }

    readonly string label;
    readonly TextWriter plain;
    readonly int? total;
    readonly Func<TimeSpan> now;
    readonly LiveConsole? live;
    readonly Throughput recent = new(RateWindow);
    readonly Throughput recentWork = new(RateWindow);
    long work, totalWork;
    TimeSpan lastShown = TimeSpan.Zero;
    int current;
    bool finished;
    readonly object gate = new();

    /// <param name="label">what is counted: "embedding documents", "step"</param>
    /// <param name="plain">where plain lines go when no live console is installed or it is not live (usually stderr)</param>
    /// <param name="total">the count when done, if known (for the ETA)</param>
    public ProgressLine(string label, TextWriter plain, int? total = null)
        : this(label, plain, total, LiveConsole.Active, StartClock()) { }

    static Func<TimeSpan> StartClock()
    {
        var clock = Stopwatch.StartNew();
        return () => clock.Elapsed;
    }

    /// <param name="live">the live console to draw on; null for plain lines</param>
    /// <param name="now">time since the work started (tests drive it by hand)</param>
    internal ProgressLine(string label, TextWriter plain, int? total, LiveConsole? live, Func<TimeSpan> now)
    {
        this.label = label;
        this.plain = plain;
        this.total = total;
        this.live = live;
        this.now = now;
    }

    public void Report(int value) => Report(value, null);

    public void Report(int done, long work, long totalWork)
    {
        lock (gate)
        {
            this.work = work;
            this.totalWork = totalWork;
            Record(done, work);
        }
    }

    void Report(int value, long? workDone)
    {
        lock (gate) Record(value, workDone);
    }

    // Reports may come from parallel workers (BM25 scores questions in parallel), out of order.
    void Record(int value, long? workDone)
    {
        if (finished || value < current) return;
        current = value;
        var at = now();
        recent.Add(at, value);
        if (workDone is { } w) recentWork.Add(at, w);
        if (total is { } t && value >= t)
        {
            Finish(); // the last report closes the line, so what follows starts on its own
            return;
        }
        var interval = live is null ? PlainInterval : LiveInterval;
        if (at - lastShown < interval) return;
        lastShown = at;
        if (live is null) plain.WriteLine(Text());
        else live.ShowStatus(Text());
    }

    /// <summary>Removes the status line (nothing when redirected); later reports are ignored.</summary>
    public void Finish()
    {
        lock (gate)
        {
            if (finished) return;
            finished = true;
            live?.ClearStatus();
        }
    }

    internal string Text()
    {
        var elapsed = now();
        var of = total is { } t ? $"/{t}" : "";
        var rateText = recent.PerSecond is { } r ? $"{r:F2}/s" : "-/s";
        var left = totalWork > 0 ? recentWork.TimeLeft(totalWork - work) : total is { } all ? recent.TimeLeft(all - current) : null;
        var eta = left is { } l ? $", ETA {Clock(l)}" : "";
        var details = Details?.Invoke() is { Length: > 0 } d ? $" {d}" : "";
        return $"{label} {current}{of} ({rateText}, {Clock(elapsed)}{eta}){details}";
    }

    /// <summary>hh:mm:ss, with days counted into the hours (a format string would drop them).</summary>
    static string Clock(TimeSpan span) => $"{(int)span.TotalHours:00}:{span.Minutes:00}:{span.Seconds:00}";
}
