namespace LocalRqa.Display;

/// <summary>
/// Items per second over the recent past (a moving window of progress reports), so that an ETA follows the current
/// speed: the first batches (warm-up, the longest texts first) would otherwise set it for the whole run.
/// </summary>
internal sealed class Throughput(TimeSpan window)
{
    readonly Queue<(TimeSpan At, long Count)> samples = new();

    /// <summary>Records that <paramref name="count"/> items were done at <paramref name="at"/> (a monotonic clock).</summary>
    public void Add(TimeSpan at, long count)
    {
        samples.Enqueue((at, count));
        // Keep the newest sample that is at least a window old, so the window is always fully covered.
        while (samples.Count > 2 && at - samples.ElementAt(1).At >= window) samples.Dequeue();
    }

    /// <summary>The recent rate; null until two reports at different times were made.</summary>
    public double? PerSecond
    {
        get
        {
            if (samples.Count < 2) return null;
            var (firstAt, firstCount) = samples.Peek();
            var (lastAt, lastCount) = samples.Last();
            var seconds = (lastAt - firstAt).TotalSeconds;
            return seconds > 0 ? (lastCount - firstCount) / seconds : null;
        }
    }

    /// <summary>Time left for <paramref name="remaining"/> items at the recent rate; null when the rate is unknown or zero.</summary>
    public TimeSpan? TimeLeft(long remaining) =>
        PerSecond is { } rate && rate > 0 ? TimeSpan.FromSeconds(remaining / rate) : null;
}
