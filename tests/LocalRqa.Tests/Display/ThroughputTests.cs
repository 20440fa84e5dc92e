using LocalRqa.Display;

namespace LocalRqa.Tests.Display;

public sealed class ThroughputTests
{
    static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void NoRateBeforeTwoReports()
    {
        var rate = new Throughput(S(30));
        Assert.Null(rate.PerSecond);
        rate.Add(S(5), 16);
        Assert.Null(rate.PerSecond);
        Assert.Null(rate.TimeLeft(100));
    }

    [Fact]
    public void TheEtaFollowsTheRecentSpeedNotTheFirstBatches()
    {
        // 16 texts per batch: the first ten batches take 10 s each (long texts, warm-up), the next ten 1 s each.
        var rate = new Throughput(S(5));
        var at = 0.0;
        for (var batch = 1; batch <= 10; batch++) rate.Add(S(at += 10), 16 * batch);
        Assert.Equal(1.6, rate.PerSecond!.Value, 9);
        for (var batch = 11; batch <= 20; batch++) rate.Add(S(at += 1), 16 * batch);
        // The window holds the last 5 s: 5 batches of 16 in 5 s.
        Assert.Equal(16.0, rate.PerSecond!.Value, 9);
        Assert.Equal(S(100), rate.TimeLeft(1600));
        // Since the start it would have been 320 texts in 110 s, an ETA of 550 s instead of 100 s.
    }
}
