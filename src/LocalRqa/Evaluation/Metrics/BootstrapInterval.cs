namespace LocalRqa.Evaluation.Metrics;

/// <summary>A mean with its percentile bootstrap confidence interval.</summary>
internal sealed record BootstrapInterval(double Mean, double Low, double High)
{
    public const int DefaultResamples = 1000;

    /// <summary>
    /// Percentile bootstrap of the mean: draw <paramref name="resamples"/> samples of n values with replacement
    /// (System.Random(seed), so the interval is reproducible), take each sample's mean, and return the
    /// (1 − c)/2 and (1 + c)/2 quantiles of those means (linear interpolation between order statistics, numpy's default).
    /// </summary>
    public static BootstrapInterval Compute(IReadOnlyList<double> values, int resamples = DefaultResamples, int seed = 0, double confidence = 0.95)
    {
        if (values.Count == 0) throw new ArgumentException("no values to bootstrap", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "expected 0 < confidence < 1");

        var random = new Random(seed);
        var means = new double[resamples];
        var n = values.Count;
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++) sum += values[random.Next(n)];
            means[b] = sum / n;
        }
        Array.Sort(means);
        var tail = (1 - confidence) / 2;
        return new BootstrapInterval(PerQuestionScores.Mean(values), Quantile(means, tail), Quantile(means, 1 - tail));
    }

    /// <summary>Quantile q of sorted values: position q·(n − 1), interpolated linearly.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var fraction = position - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
