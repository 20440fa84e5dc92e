using LocalRqa.Text;

namespace LocalRqa.Evaluation.Metrics;

/// <summary>The multiset of a text's normalised tokens (Python's Counter over normalize_answer(text).split()).</summary>
internal sealed class TokenBag
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public TokenBag(string text)
    {
        foreach (var token in LocalRqaTextNormalizer.Tokens(text))
        {
            _counts[token] = _counts.GetValueOrDefault(token) + 1;
            Total++;
        }
    }

    /// <summary>Number of tokens, repeats included.</summary>
    public int Total { get; }

    /// <summary>Size of the multiset intersection: Σ over tokens of min(count here, count there).</summary>
    public int Overlap(TokenBag other)
    {
        var (small, large) = _counts.Count <= other._counts.Count ? (_counts, other._counts) : (other._counts, _counts);
        var common = 0;
        foreach (var (token, count) in small)
            if (large.TryGetValue(token, out var otherCount)) common += Math.Min(count, otherCount);
        return common;
    }
}
