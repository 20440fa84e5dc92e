using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>Human-readable summaries of an evaluation and of a comparison between two runs.</summary>
internal static class EvaluationSummary
{
    public static string Table(RetrieverEvaluation evaluation, string prefix, string retriever)
    {
        var rows = new List<(string Label, string Key)>
        {
            ("recall1 (all gold in top 1)", MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Recall1)),
            ("recall4 (all gold in top 4)", MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Recall4)),
            ("likely_recall", MetricPrefix.Retrieval(prefix, LocalRqaMetrics.LikelyRecall)),
            ("accuracy (per retrieved doc)", MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Accuracy)),
            ("ndcg (LocalRQA)", MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Ndcg)),
        };
        foreach (var name in new[] { RankingMetrics.RecallAt(10), RankingMetrics.RecallAt(20), RankingMetrics.Mrr, RankingMetrics.NdcgAt10, RankingMetrics.MapAt100 })
            rows.Add((name, MetricPrefix.Retrieval(prefix, $"ranking/{name}")));

        var text = new StringBuilder();
        var questions = evaluation.Predictions.Count;
        text.AppendLine($"{retriever} on {questions} questions (95% bootstrap intervals; one question moves a rate by {100.0 / questions:F1} points)");
        text.AppendLine($"  {"metric",-30} {"value",7}  95% CI");
        foreach (var (label, key) in rows)
        {
            if (!evaluation.Scores.TryGetValue(key, out var value)) continue;
            var interval = evaluation.Intervals.TryGetValue(key, out var ci) ? $"[{F(ci.Low)}, {F(ci.High)}]" : "";
            text.AppendLine($"  {label,-30} {F(value),7}  {interval}");
        }
        var latency = evaluation.Scores[$"{prefix}_retr/latency/avg_latency"] * 1000;
        text.Append($"  {"latency",-30} {latency,7:F1}  ms per question");
        if (evaluation.MissingGoldDocuments > 0)
            text.Append($"\n  note: {evaluation.MissingGoldDocuments} gold documents are missing from the database");
        return text.ToString();
    }

    public static JsonObject ComparisonJson(RunComparison comparison)
    {
        var metrics = new JsonObject();
        foreach (var (name, result) in comparison.Metrics)
            metrics[name] = new JsonObject
            {
                ["baseline"] = result.BaselineMean,
                ["candidate"] = result.CandidateMean,
                ["difference"] = result.MeanDifference,
                ["p_value"] = result.PValue,
                ["gained"] = new JsonArray(result.Gained.Select(i => (JsonNode?)comparison.Questions[i]).ToArray()),
                ["lost"] = new JsonArray(result.Lost.Select(i => (JsonNode?)comparison.Questions[i]).ToArray()),
            };
        // Every metric recomputed from each file, keyed and valued as in score.json, so they can be checked against it.
        static JsonObject Sorted(IReadOnlyDictionary<string, double> scores)
        {
            var json = new JsonObject();
            foreach (var (key, value) in scores.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json[key] = value;
            return json;
        }
        return new JsonObject
        {
            ["baseline"] = comparison.BaselinePath, ["questions"] = comparison.Questions.Count, ["metrics"] = metrics,
            ["scores"] = new JsonObject { ["baseline"] = Sorted(comparison.BaselineScores), ["candidate"] = Sorted(comparison.CandidateScores) },
            ["not_recomputed"] = new JsonArray(comparison.NotRecomputed.Select(name => (JsonNode?)name).ToArray()),
        };
    }

    public static string ComparisonText(RunComparison comparison)
    {
        var text = new StringBuilder($"compared with {comparison.BaselinePath} ({comparison.Questions.Count} questions, paired bootstrap):");
        foreach (var (name, r) in comparison.Metrics)
        {
            var verdict = r.PValue < 0.05 ? (r.MeanDifference > 0 ? "better" : "worse") : "no significant difference";
            text.Append($"\n  {name,-29} {F(r.BaselineMean)} -> {F(r.CandidateMean)} ({r.MeanDifference:+0.000;-0.000;0.000}), " +
                        $"p = {r.PValue.ToString("F3", CultureInfo.InvariantCulture)}: {verdict}; gained {r.Gained.Count}, lost {r.Lost.Count}");
        }
        var recall4 = comparison.Metrics[LocalRqaMetrics.Recall4];
        foreach (var i in recall4.Gained.Take(5)) text.Append($"\n    + {comparison.Questions[i]}");
        foreach (var i in recall4.Lost.Take(5)) text.Append($"\n    - {comparison.Questions[i]}");
        return text.ToString();
    }

    static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
