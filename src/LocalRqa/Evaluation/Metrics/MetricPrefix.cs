namespace LocalRqa.Evaluation.Metrics;

/// <summary>LocalRQA's flattened names of retrieval metrics: "{prefix}_retr/{metric}/{key}", e.g. "eval_retr/document_recall/recall4".</summary>
internal static class MetricPrefix
{
    /// <summary>The prefix of a test evaluation's metrics (`test_retr/...`), as LocalRQA's test scripts write them.</summary>
    public const string Test = "test";

    public static string Retrieval(string prefix, string key) => $"{prefix}_retr/{key}";

    /// <summary>The same metrics, renamed with <see cref="Retrieval(string, string)"/>, order kept.</summary>
    public static IReadOnlyDictionary<string, double> Retrieval(string prefix, IReadOnlyDictionary<string, double> metrics)
    {
        var named = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in metrics) named.Add(Retrieval(prefix, key), value);
        return named;
    }
}
