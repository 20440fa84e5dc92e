using System.Diagnostics;
using LocalRqa.Data;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Retrieval;

namespace LocalRqa.Evaluation;

/// <summary>
/// LocalRQA's RetrieverEvaluator as a library component: retrieves for every question in batches, times each
/// batch, and scores the results. The trainers call it during training with an in-memory model;
/// `rqa test-retriever` calls it on files. Metric names follow LocalRQA's flattening:
/// `{prefix}_retr/document_recall/recall4`, `{prefix}_retr/latency/avg_latency`, `{prefix}_e2e/latency/...`.
/// </summary>
internal sealed class RetrieverEvaluator(IReadOnlyList<RetrievalExample> examples, DocumentCollection documents, EvaluatorOptions options)
{
    public IReadOnlyList<RetrievalExample> Examples => examples;

    public RetrieverEvaluation Evaluate(IRetriever retriever, string prefix = "eval", TextWriter? log = null, IProgress<int>? progress = null)
    {
        if (options.TopK < 1) throw new RqaException($"--top_k must be at least 1, got {options.TopK}");
        if (options.SaveDepth < options.TopK) throw new RqaException($"--save_depth must be at least --top_k ({options.TopK}), got {options.SaveDepth}");
        if (options.BatchSize < 1) throw new RqaException($"batch size must be at least 1, got {options.BatchSize}");
        var missing = ReportMissingGold(log);

        var predictions = new List<RetrievalPrediction>(examples.Count);
        var fingerprints = new string?[documents.Documents.Count];
        string FingerprintOf(int index) => fingerprints[index] ??= IdentityFingerprint.Of(documents.Documents[index].Identity);
        var retrievalSeconds = 0.0;
        var total = Stopwatch.StartNew();
        foreach (var batch in examples.Chunk(options.BatchSize))
        {
            var clock = Stopwatch.StartNew();
            var hits = retriever.Retrieve(batch.Select(e => e.Question).ToList(), options.RetrievalDepth);
            retrievalSeconds += clock.Elapsed.TotalSeconds;
            for (var i = 0; i < batch.Length; i++)
            {
                var retrieved = hits[i].Take(options.TopK).Select(h => new RetrievedDocument(documents.Documents[h.Index], h.Score)).ToList();
                var deep = new DeepRanking(options.RetrievalDepth, hits[i].Select(h => new RankedDocument(h.Index, h.Score, FingerprintOf(h.Index))).ToList());
                predictions.Add(new RetrievalPrediction(batch[i].Question, batch[i].GoldDocs, retrieved, deep));
            }
            progress?.Report(predictions.Count);
        }
        var totalSeconds = total.Elapsed.TotalSeconds;

        // Scored from the predictions alone, as --compare_with rescores a predictions file: the same numbers by construction.
        var metrics = PredictionMetrics.Of(predictions, options.Ndcg);
        var scores = new Dictionary<string, double>();
        foreach (var (key, value) in metrics.Scores.Where(kv => !kv.Key.StartsWith(PredictionMetrics.RankingKey(""), StringComparison.Ordinal)))
            scores[MetricPrefix.Retrieval(prefix, key)] = value;
        scores[$"{prefix}_retr/latency/avg_latency"] = retrievalSeconds / examples.Count;
        scores[$"{prefix}_retr/latency/total_latency"] = retrievalSeconds;
        scores[$"{prefix}_e2e/latency/avg_latency"] = totalSeconds / examples.Count;
        scores[$"{prefix}_e2e/latency/total_latency"] = totalSeconds;

        var localRqa = metrics.LocalRqa;
        var ranking = metrics.Ranking;
        var intervals = new Dictionary<string, BootstrapInterval>();
        void AddWithInterval(string key, IReadOnlyList<double> values)
        {
            var interval = BootstrapInterval.Compute(values, options.BootstrapResamples, options.Seed);
            intervals[key] = interval;
            scores[$"{key}_ci95_low"] = interval.Low;
            scores[$"{key}_ci95_high"] = interval.High;
        }
        AddWithInterval(MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Recall1), localRqa[LocalRqaMetrics.Recall1]);
        AddWithInterval(MetricPrefix.Retrieval(prefix, LocalRqaMetrics.Recall4), localRqa[LocalRqaMetrics.Recall4]);
        foreach (var name in ranking.Metrics)
        {
            var key = MetricPrefix.Retrieval(prefix, PredictionMetrics.RankingKey(name));
            scores[key] = metrics.Scores[PredictionMetrics.RankingKey(name)];
            AddWithInterval(key, ranking[name]);
        }
        // The predictions keep their ranking to --save_depth (the metrics' depth unless asked otherwise).
        var saved = predictions.Select(p => p with { Ranking = p.Ranking!.Truncate(options.SavedDepth) }).ToList();
        return new RetrieverEvaluation(scores, saved, localRqa, ranking, intervals, missing);
    }

    /// <summary>
    /// The names an evaluation with <paramref name="prefix"/> reports (confidence bounds aside), known before any model
    /// runs: what --metric_for_best_model may name. Taken from the metrics of one made-up question, so they are the
    /// names <see cref="Evaluate"/> writes.
    /// </summary>
    public static IReadOnlyList<string> MetricNames(string prefix, bool ndcg = false)
    {
        var document = Document.Create("x", null, null);
        var outcome = new RetrievalOutcome([document], [document]);
        return
        [
            .. LocalRqaMetrics.Compute([outcome], ndcg).Keys.Select(key => MetricPrefix.Retrieval(prefix, key)),
            $"{prefix}_retr/latency/avg_latency", $"{prefix}_retr/latency/total_latency",
            $"{prefix}_e2e/latency/avg_latency", $"{prefix}_e2e/latency/total_latency",
            .. RankingMetrics.Names.Select(name => MetricPrefix.Retrieval(prefix, $"ranking/{name}")),
        ];
    }

    /// <summary>Gold documents absent from the database can never be retrieved: count them and say which.</summary>
    int ReportMissingGold(TextWriter? log)
    {
        var absent = examples.SelectMany(e => e.GoldDocs).Select(d => d.Identity)
            .Where(id => documents.IndexOf(id) < 0).Distinct().ToList();
        if (absent.Count > 0 && log != null)
        {
            log.WriteLine($"warning: {absent.Count} gold documents are not in {documents.Path}; their questions count as misses:");
            foreach (var id in absent.Take(20))
                log.WriteLine($"  source={id.Source ?? "(none)"} page_content={Shorten(id.PageContent)}");
            if (absent.Count > 20) log.WriteLine($"  ... and {absent.Count - 20} more");
        }
        return absent.Count;
    }

    static string Shorten(string text) => text.Length <= 80 ? text.ReplaceLineEndings(" ") : text[..77].ReplaceLineEndings(" ") + "...";
}
