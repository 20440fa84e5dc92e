using System.Globalization;
using System.Text;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Training.Reports;

/// <summary>
/// The end-of-training summary a user reads first: the base model (the evaluation at step 0) against the model
/// that was kept, metric by metric, with the change. Built from trainer_state's log history, so every trainer
/// prints the same table.
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

    /// <returns>null when there is no step-0 evaluation or no later one to compare</returns>
    public static string? Format(IReadOnlyDictionary<string, double>? baseline, IReadOnlyDictionary<string, double>? trained, string prefix,
        string baseName, string trainedName)
    {
        if (baseline is null || trained is null) return null;
        var text = new StringBuilder();
        text.AppendLine($"  {"metric",-22} {baseName,10} {trainedName,12} {"change",8}");
        foreach (var (label, key) in Rows)
        {
            var name = MetricPrefix.Retrieval(prefix, key);
            if (!baseline.TryGetValue(name, out var before) || !trained.TryGetValue(name, out var after)) continue;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-22} {before,10:F3} {after,12:F3} {after - before,8:+0.000;-0.000;0.000}"));
        }
        return text.ToString().TrimEnd();
    }
}
