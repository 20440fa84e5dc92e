using LocalRqa.Text;

namespace LocalRqa.Evaluation.Metrics;

/// <summary>The multiset of a text's normalised tokens (Python's Counter over normalize_answer(text).split()).</summary>
internal sealed class TokenBag
{
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    public TokenBag(string text)
    {
        foreach (var token in LocalRqaTextNormalizer.Tokens(text))
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
            Total++;
        }
    }

    /// <summary>Number of tokens, repeats included.</summary>
    public int Total { get; }

    /// <summary>Size of the multiset intersection: Σ over tokens of min(count here, count there).</summary>
    public int Overlap(TokenBag other)
    {
        var (small, large) = counts.Count <= other.counts.Count ? (counts, other.counts) : (other.counts, counts);
        var common = 0;
        foreach (var (token, count) in small)
            if (large.TryGetValue(token, out var otherCount)) common += Math.Min(count, otherCount);
        return common;
    }
}
