using System.Globalization;
using System.Text;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Training.Reports;

/// <summary>
/// The end-of-training summary a user reads first: the base model (the evaluation at step 0) against the model
/// that was kept, metric by metric, with the change; then, when given, a reference retriever (BM25) and the kept
/// model's margin over it. Built from trainer_state's log history, so every trainer prints the same table.
/// </summary>
internal static class GainTable
{
    // Labelled as everywhere else (ReportMetrics.Label): the names rqa test-retriever prints.
    static readonly (string Label, string Key)[] Rows = new[]
    {
        LocalRqaMetrics.Recall1, LocalRqaMetrics.Recall4, $"ranking/{RankingMetrics.RecallAt(10)}", $"ranking/{RankingMetrics.Mrr}",
        $"ranking/{RankingMetrics.NdcgAt10}",
    }.Select(key => (ReportMetrics.Label(key), key)).ToArray();

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

    /// <summary>
    /// The final comparison, one retriever per row (base dense, saved dense, BM25, the two hybrids), each metric with
    /// its margin over the base model as a dense retriever; then the one to deploy.
    /// </summary>
    public static string Format(RetrieverComparison comparison)
    {
        const int nameWidth = 26, cellWidth = 17;
        var text = new StringBuilder();
        var reference = comparison.Reference;
        var columns = Rows.Where(r => comparison.Rows.Any(row => row.Metrics.ContainsKey(MetricPrefix.Retrieval("eval", r.Key)))).ToList();
        text.Append($"  {"retriever",-nameWidth}");
        foreach (var (label, _) in columns) text.Append($" {label,-cellWidth}");
        text.AppendLine();
        foreach (var row in comparison.Rows)
        {
            text.Append($"  {row.Name,-nameWidth}");
            foreach (var (_, key) in columns)
            {
                var name = MetricPrefix.Retrieval("eval", key);
                var cell = "-";
                if (row.Metrics.TryGetValue(name, out var value))
                {
                    cell = value.ToString("F3", CultureInfo.InvariantCulture);
                    if (row != reference && reference is not null && reference.Metrics.TryGetValue(name, out var basis))
                        cell += string.Create(CultureInfo.InvariantCulture, $" ({value - basis:+0.000;-0.000;0.000})");
                }
                text.Append($" {cell,-cellWidth}");
            }
            text.AppendLine();
        }
        if (comparison.DeployDescription is { } deploy)
            text.AppendLine($"  deploy: {deploy} (best by {ReportMetrics.Label(comparison.Metric)}" +
                            $"{(reference is null ? "" : "; margins in parentheses are against the base model, dense")})");
        return string.Join('\n', text.ToString().Split('\n').Select(line => line.TrimEnd())).TrimEnd();
    }
}
