namespace LocalRqa.Training.Reports;

/// <summary>
/// The retrieval metrics that charts and model cards show first, by the tail of their flattened key
/// ("eval_retr/document_recall/recall4" ends with "document_recall/recall4"), and the one naming style of every report:
/// a metric's name as `rqa test-retriever` and LocalRQA print it, the last part of its key (recall4, recall@10, mrr@10).
/// </summary>
internal static class ReportMetrics
{
    /// <summary>"eval_retr/ranking/mrr@10" → "mrr@10", "eval_retr/document_recall/recall4" → "recall4".</summary>
    public static string Label(string key) => key[(key.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Whether a retrieval key is a quality metric (what tables of results and a model-index may list): not a latency,
    /// which says how fast the machine was, nor a bootstrap bound.
    /// </summary>
    public static bool IsQuality(string key) =>
        !key.Contains("/latency/", StringComparison.Ordinal) && !key.Contains("_ci95_", StringComparison.Ordinal);

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
