using System.Diagnostics;
using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Logging;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Reports;

/// <summary>
/// BM25 on the run's eval questions, evaluated once at the end: the reference every dense retriever must beat to be
/// worth deploying, shown beside the base and trained models (`--bm25_baseline`, on by default). It takes a second or
/// two for thousands of passages, against minutes for one dense evaluation.
/// </summary>
internal static class Bm25Reference
{
    /// <param name="retriever">the run's BM25 over <paramref name="documents"/>, when it already built one (its index is built once per run)</param>
    /// <returns>the metrics under the "eval" prefix, as the trainers log theirs; null when off or nothing to evaluate</returns>
    public static IReadOnlyDictionary<string, double>? Evaluate(TrainingArguments args, IReadOnlyList<RetrievalExample>? eval,
        DocumentCollection? documents, RunLog log, Bm25Retriever? retriever = null)
    {
        if (!args.Bm25Baseline || eval is null || eval.Count == 0 || documents is null) return null;
        var clock = Stopwatch.StartNew();
        var options = new EvaluatorOptions { BatchSize = Math.Max(args.PerDeviceEvalBatchSize, 1), Seed = args.Seed, BootstrapResamples = 200 };
        // No log to the evaluator: the dense evaluations already reported the eval file's missing gold passages.
        var scores = new RetrieverEvaluator(eval, documents, options).Evaluate(retriever ?? new Bm25Retriever(documents.Documents), "eval").Scores;
        string Rate(string key) => scores.TryGetValue(MetricPrefix.Retrieval("eval", key), out var v) ? v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "-";
        log.WriteLine($"BM25 on the eval questions (--bm25_baseline): recall1 {Rate(LocalRqaMetrics.Recall1)}, recall4 {Rate(LocalRqaMetrics.Recall4)} " +
                      $"({clock.Elapsed.TotalSeconds:F1} s)");
        return scores;
    }
}
