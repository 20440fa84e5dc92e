using LocalRqa.Data;

namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// LocalRQA's "likely the same document" test (document_similarity / is_almost_same_document):
/// coverage(r, g) = |tokens(r) ∩ tokens(g)| / |tokens(g)| over multisets of normalised page_content tokens,
/// and r likely is g when coverage &gt; 0.7.
/// </summary>
internal static class DocumentCoverage
{
    /// <summary>
    /// LocalRQA's threshold. Its code compares strictly (cover_percent &gt; threshold), although some of its
    /// docs say "at least"; we follow the code, so exactly 70% is not likely the same.
    /// </summary>
    public const double LikelyThreshold = 0.7;

    /// <summary>Share of the gold text's normalised tokens (with repeats) that the retrieved text also has.</summary>
    /// <remarks>LocalRQA divides by zero on a gold text without tokens; we return 0 (nothing to cover).</remarks>
    public static double Coverage(string retrievedText, string goldText) => Coverage(new TokenBag(retrievedText), new TokenBag(goldText));

    public static double Coverage(Document retrieved, Document gold) => Coverage(retrieved.PageContent, gold.PageContent);

    public static bool IsLikelySame(Document retrieved, Document gold) => Coverage(retrieved, gold) > LikelyThreshold;

    internal static double Coverage(TokenBag retrieved, TokenBag gold) =>
        gold.Total == 0 ? 0 : (double)retrieved.Overlap(gold) / gold.Total;
}
