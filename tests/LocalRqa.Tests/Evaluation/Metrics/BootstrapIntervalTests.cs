using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Tests.Evaluation.Metrics;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last bits.
public sealed class BootstrapIntervalTests
{
    // 100 values, 50 ones and 50 zeros: mean 0.5, standard error √(0.25/100) = 0.05.
    static readonly double[] Coin = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();

    [Fact]
    public void SameSeedSameInterval()
    {
        Assert.Equal(BootstrapInterval.Compute(Coin, seed: 7), BootstrapInterval.Compute(Coin, seed: 7));
    }

    [Fact]
    public void IntervalContainsTheMeanAndHasTheExpectedWidth()
    {
        var interval = BootstrapInterval.Compute(Coin, resamples: 1000, seed: 1);
        Assert.Equal(0.5, interval.Mean);
        Assert.True(interval.Low < interval.Mean && interval.Mean < interval.High, interval.ToString());
        // Normal approximation: 0.5 ± 1.96 · 0.05 ≈ [0.402, 0.598]; the bootstrap lands near it.
        Assert.InRange(interval.Low, 0.37, 0.43);
        Assert.InRange(interval.High, 0.57, 0.63);
    }

    [Fact]
    public void AllEqualValuesGiveADegenerateInterval()
    {
        var interval = BootstrapInterval.Compute(Enumerable.Repeat(0.7, 25).ToArray(), seed: 3);
        Assert.Equal(interval.Mean, interval.Low);
        Assert.Equal(interval.Mean, interval.High);
        Assert.Equal(0.7, interval.Mean, 1e-12);
    }

    [Fact]
    public void QuantileInterpolatesBetweenOrderStatistics()
    {
        // Position q·(n−1): 0.025·4 = 0.1 → 1 + 0.1·(2−1) = 1.1; 0.975·4 = 3.9 → 4 + 0.9·(5−4) = 4.9.
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.Equal(1.1, BootstrapInterval.Quantile(sorted, 0.025), 1e-12);
        Assert.Equal(4.9, BootstrapInterval.Quantile(sorted, 0.975), 1e-12);
        Assert.Equal(5.0, BootstrapInterval.Quantile(sorted, 1));
    }

    [Fact]
    public void RejectsEmptyInput() =>
        Assert.Throws<ArgumentException>(() => BootstrapInterval.Compute([]));
}
