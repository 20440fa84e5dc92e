namespace LocalRqa.Tests;

/// <summary>
/// Float comparisons with a stated tolerance. Results that go through libtorch (BLAS, vectorised ATen kernels)
/// round differently by instruction set (AVX-512, AVX2, scalar), thread count and a row's place in a batch, so
/// they are never compared for equality or to a number of decimals (xUnit's <c>Assert.Equal(x, y, 5)</c> rounds
/// both sides and fails when they straddle a rounding boundary, however close they are). Each caller says why its
/// tolerance is what it is; bit-exact checks stay for bytes, token ids and same-machine resume.
/// </summary>
public static class Tolerance
{
    /// <summary>Asserts |actual − expected| ≤ absolute + relative·|expected|.</summary>
    public static void Close(double expected, double actual, double relative, double absolute = 0, string what = "value")
    {
        var allowed = absolute + relative * Math.Abs(expected);
        Assert.True(double.IsFinite(actual) && Math.Abs(actual - expected) <= allowed,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E3}, allowed {allowed:E3})");
    }

    /// <summary>Element-wise <see cref="Close(double, double, double, double, string)"/> over equally long vectors.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, double absolute = 0, string what = "vector")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected length {expected.Length}, got {actual.Length}");
        for (var i = 0; i < expected.Length; i++)
            Close(expected[i], actual[i], relative, absolute, $"{what}[{i}]");
    }

    /// <summary>
    /// Asserts that two embeddings agree as a retriever sees them: cosine ≥ <paramref name="minCosine"/> and every
    /// component within <paramref name="absolute"/> of the other.
    /// </summary>
    public static void SameEmbedding(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double absolute, double minCosine = 0.99999, string what = "embedding")
    {
        Close(expected, actual, 0, absolute, what);
        double dot = 0, a = 0, b = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            dot += (double)expected[i] * actual[i];
            a += (double)expected[i] * expected[i];
            b += (double)actual[i] * actual[i];
        }
        var cosine = dot / Math.Sqrt(a * b);
        Assert.True(cosine >= minCosine, $"{what}: cosine {cosine:R} below {minCosine}");
    }

    /// <summary>The largest absolute component difference of two equally long vectors.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (var i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
