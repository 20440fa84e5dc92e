using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>
/// `--compare_with`: the same questions scored for another run's predictions and this one, metric by
/// metric, with the questions gained and lost and a paired bootstrap p-value, so a user can tell a real
/// improvement from noise (one question of 73 moves recall by 1.4 points). Both runs are rescored from their
/// predictions with <see cref="PredictionMetrics"/>, as their own runs scored them, so each side's numbers are its
/// score.json's; a metric deeper than a file's ranking reaches is left out and named in <see cref="NotRecomputed"/>.
/// </summary>
/// <param name="BaselineScores">Every metric recomputed from the baseline file, keyed as in score.json.</param>
/// <param name="CandidateScores">The same for this run's predictions.</param>
/// <param name="NotRecomputed">Ranking metrics one of the files is too shallow for: neither scored nor compared.</param>
internal sealed record RunComparison(
    string BaselinePath, IReadOnlyDictionary<string, PairedComparison> Metrics, IReadOnlyList<string> Questions,
    IReadOnlyDictionary<string, double> BaselineScores, IReadOnlyDictionary<string, double> CandidateScores, IReadOnlyList<string> NotRecomputed)
{
    /// <summary>Metrics compared question by question: those of the run's table that have per-question values.</summary>
    public static readonly IReadOnlyList<string> Compared =
    [
        LocalRqaMetrics.Recall1, LocalRqaMetrics.Recall4, LocalRqaMetrics.LikelyRecall, LocalRqaMetrics.Ndcg,
        RankingMetrics.RecallAt(10), RankingMetrics.RecallAt(20), RankingMetrics.Mrr, RankingMetrics.NdcgAt10, RankingMetrics.MapAt100,
    ];

    public static RunComparison Compare(string baselinePath, IReadOnlyList<RetrievalPrediction> baseline, RetrieverEvaluation candidate,
        EvaluatorOptions options, TextWriter? log = null, string prefix = MetricPrefix.Test)
    {
        var baseMetrics = PredictionMetrics.Of(baseline, options.Ndcg);
        var candMetrics = PredictionMetrics.Of(candidate.Predictions, options.Ndcg);
        var notRecomputed = baseMetrics.NotRecomputable.Union(candMetrics.NotRecomputable).ToList();
        foreach (var (path, metrics) in new[] { (baselinePath, baseMetrics), ("this run's predictions", candMetrics) })
            if (metrics.NotRecomputable.Count > 0)
                log?.WriteLine($"note: {path} keeps the ranking to depth {metrics.Depth} only; not recomputed: {string.Join(", ", metrics.NotRecomputable)}");

        var baselineQuestions = baseline.Select(p => p.Question).ToList();
        var candidateQuestions = candidate.Predictions.Select(p => p.Question).ToList();
        var results = new Dictionary<string, PairedComparison>();
        foreach (var metric in Compared)
        {
            if (notRecomputed.Contains(metric)) continue;
            IReadOnlyList<double> b, c;
            if (baseMetrics.LocalRqa.Metrics.Contains(metric)) (b, c) = (baseMetrics.LocalRqa[metric], candMetrics.LocalRqa[metric]);
            else if (baseMetrics.Ranking.Metrics.Contains(metric)) (b, c) = (baseMetrics.Ranking[metric], candMetrics.Ranking[metric]);
            else continue; // LocalRQA's nDCG without --retr_ndcg
            try
            {
                results[metric] = PairedComparison.Compare(baselineQuestions, b, candidateQuestions, c, options.BootstrapResamples, options.Seed);
            }
            catch (ArgumentException e)
            {
                throw new RqaException($"{baselinePath}: cannot be compared with this run: {e.Message}");
            }
        }
        return new RunComparison(baselinePath, results, baselineQuestions, Prefixed(baseMetrics, prefix), Prefixed(candMetrics, prefix), notRecomputed);
    }

    static IReadOnlyDictionary<string, double> Prefixed(PredictionMetrics metrics, string prefix) => MetricPrefix.Retrieval(prefix, metrics.Scores);
}
