namespace LocalRqa.Training.Reports;

/// <summary>
/// The retrieval metrics that charts and model cards show first, by the tail of their flattened key
/// ("eval_retr/document_recall/recall4" ends with "document_recall/recall4"), with short labels.
/// </summary>
internal static class ReportMetrics
{
    public static IReadOnlyList<(string KeySuffix, string Label)> Headline { get; } =
    [
        ("document_recall/recall1", "recall1"),
        ("document_recall/recall4", "recall4"),
        ("document_recall/likely_recall", "likely_recall"),
        ("ranking/mrr@10", "mrr@10"),
        ("ranking/ndcg@10", "ndcg@10"),
    ];

    /// <summary>The headline label of <paramref name="key"/>, or null when it is not a headline metric.</summary>
    public static string? HeadlineLabel(string key)
    {
        foreach (var (suffix, label) in Headline)
            if (key == suffix || key.EndsWith("/" + suffix, StringComparison.Ordinal)) return label;
        return null;
    }

    /// <summary>The headline rank of <paramref name="key"/> (0-based), or int.MaxValue for other metrics.</summary>
    public static int HeadlineRank(string key)
    {
        for (var i = 0; i < Headline.Count; i++)
        {
            var suffix = Headline[i].KeySuffix;
            if (key == suffix || key.EndsWith("/" + suffix, StringComparison.Ordinal)) return i;
        }
        return int.MaxValue;
    }

    /// <summary>
    /// Whether an eval_* log key is a quality score worth plotting: not the Trainer's bookkeeping
    /// (eval_runtime, eval_samples_per_second, ...), eval_loss (another scale) or latencies.
    /// </summary>
    public static bool IsScore(string key) =>
        key.StartsWith("eval_", StringComparison.Ordinal)
        && key is not ("eval_loss" or "eval_runtime")
        && !key.EndsWith("_per_second", StringComparison.Ordinal)
        && !key.Contains("/latency/", StringComparison.Ordinal);
}
