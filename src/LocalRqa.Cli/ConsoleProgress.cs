using System.Diagnostics;

namespace LocalRqa.Cli;

/// <summary>
/// Progress of long work on stderr: a live line on a terminal, a line every few seconds when redirected (so
/// logs stay readable).
/// </summary>
public sealed class ConsoleProgress(string label, TextWriter writer, int? total = null) : IProgress<int>
{
    /// <summary>Extra text after the counts, e.g. the last loss and eval metric of a training run.</summary>
    public Func<string>? Details { get; set; }

    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly bool live = !Console.IsErrorRedirected;
    TimeSpan lastShown = TimeSpan.Zero;
    int current;

    bool finished;

    public void Report(int value)
    {
        current = value;
        if (total is { } t && value >= t)
        {
            Finish(); // the last report closes the live line, so log lines after it start on their own
            return;
        }
        var interval = live ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(10);
        if (clock.Elapsed - lastShown < interval) return;
        lastShown = clock.Elapsed;
        Show(final: false);
    }

    public void Finish()
    {
        if (finished) return;
        finished = true;
        Show(final: true);
    }

    void Show(bool final)
    {
        var rate = current / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        var of = total is { } t ? $"/{t}" : "";
        var eta = total is { } all && current > 0 && !final ? $", ETA {TimeSpan.FromSeconds((all - current) / rate):hh\\:mm\\:ss}" : "";
        var details = Details?.Invoke() is { Length: > 0 } d ? $" {d}" : "";
        var line = $"{label} {current}{of} ({rate:F2}/s, {clock.Elapsed:hh\\:mm\\:ss}{eta}){details}";
        if (live) writer.Write($"\r{line}{(final ? "\n" : "")}");
        else writer.WriteLine(line);
    }
}
