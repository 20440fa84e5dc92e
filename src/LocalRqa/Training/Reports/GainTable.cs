using System.Globalization;
using System.Text;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Training.Reports;

/// <summary>
/// The end-of-training summary a user reads first: the base model (the evaluation at step 0) against the model
/// that was kept, metric by metric, with the change; then, when given, a reference retriever (BM25) and the kept
/// model's margin over it. Built from trainer_state's log history, so every trainer prints the same table.
/// </summary>
public static class GainTable
{
    static readonly (string Label, string Key)[] Rows =
    [
        ("recall@1 (LocalRQA)", LocalRqaMetrics.Recall1),
        ("recall@4 (LocalRQA)", LocalRqaMetrics.Recall4),
        ("recall@10", $"ranking/{RankingMetrics.RecallAt(10)}"),
        ("MRR@10", $"ranking/{RankingMetrics.Mrr}"),
        ("nDCG@10", $"ranking/{RankingMetrics.NdcgAt10}"),
    ];

    /// <param name="reference">another retriever's evaluation with the same keys (BM25), shown after the change</param>
    /// <returns>null when there is no step-0 evaluation or no later one to compare</returns>
    public static string? Format(IReadOnlyDictionary<string, double>? baseline, IReadOnlyDictionary<string, double>? trained, string prefix,
        string baseName, string trainedName, IReadOnlyDictionary<string, double>? reference = null, string referenceName = "BM25")
    {
        if (baseline is null || trained is null) return null;
        var text = new StringBuilder();
        text.Append($"  {"metric",-22} {baseName,10} {trainedName,12} {"change",8}");
        if (reference is not null) text.Append($" {referenceName,8} {"vs " + referenceName,10}");
        text.AppendLine();
        foreach (var (label, key) in Rows)
        {
            var name = MetricPrefix.Retrieval(prefix, key);
            if (!baseline.TryGetValue(name, out var before) || !trained.TryGetValue(name, out var after)) continue;
            text.Append(string.Create(CultureInfo.InvariantCulture, $"  {label,-22} {before,10:F3} {after,12:F3} {after - before,8:+0.000;-0.000;0.000}"));
            if (reference is not null && reference.TryGetValue(name, out var other))
                text.Append(string.Create(CultureInfo.InvariantCulture, $" {other,8:F3} {after - other,10:+0.000;-0.000;0.000}"));
            text.AppendLine();
        }
        return text.ToString().TrimEnd();
    }
}
