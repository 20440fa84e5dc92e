using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>
/// `--compare_with`: the same questions scored for another run's predictions and this one, metric by
/// metric, with the questions gained and lost and a paired bootstrap p-value, so a user can tell a real
/// improvement from noise (one question of 73 moves recall by 1.4 points).
/// </summary>
public sealed record RunComparison(string BaselinePath, IReadOnlyDictionary<string, PairedComparison> Metrics, IReadOnlyList<string> Questions)
{
    /// <summary>Metrics compared: LocalRQA's strict recalls and the rank-aware MRR and nDCG.</summary>
    public static readonly IReadOnlyList<string> Compared =
        [LocalRqaMetrics.Recall1, LocalRqaMetrics.Recall4, RankingMetrics.Mrr, RankingMetrics.NdcgAt10];

    public static RunComparison Compare(string baselinePath, IReadOnlyList<RetrievalPrediction> baseline, RetrieverEvaluation candidate,
        EvaluatorOptions options, TextWriter? log = null)
    {
        var baselineDepth = baseline.Max(p => p.Retrieved.Count);
        var candidateDepth = candidate.Predictions.Max(p => p.Retrieved.Count);
        if (baselineDepth != candidateDepth)
            log?.WriteLine($"warning: {baselinePath} holds {baselineDepth} documents per question and this run {candidateDepth}; " +
                           "rank metrics deeper than the smaller list are not comparable");
        // The baseline file holds only its top-k; score both runs from what their files hold.
        var baselineOutcomes = baseline.Select(p => new RetrievalOutcome(p.GoldDocs, p.Retrieved.Select(r => r.Document).ToList())).ToList();
        var candidateOutcomes = candidate.Predictions.Select(p => new RetrievalOutcome(p.GoldDocs, p.Retrieved.Select(r => r.Document).ToList())).ToList();
        var baseLocal = LocalRqaMetrics.PerQuestion(baselineOutcomes);
        var candLocal = LocalRqaMetrics.PerQuestion(candidateOutcomes);
        var baseRanking = RankingMetrics.PerQuestion(baselineOutcomes);
        var candRanking = RankingMetrics.PerQuestion(candidateOutcomes);
        var baselineQuestions = baseline.Select(p => p.Question).ToList();
        var candidateQuestions = candidate.Predictions.Select(p => p.Question).ToList();

        var results = new Dictionary<string, PairedComparison>();
        foreach (var metric in Compared)
        {
            var (b, c) = baseLocal.Metrics.Contains(metric) ? (baseLocal[metric], candLocal[metric]) : (baseRanking[metric], candRanking[metric]);
            try
            {
                results[metric] = PairedComparison.Compare(baselineQuestions, b, candidateQuestions, c, options.BootstrapResamples, options.Seed);
            }
            catch (ArgumentException e)
            {
                throw new RqaException($"{baselinePath}: cannot be compared with this run: {e.Message}");
            }
        }
        return new RunComparison(baselinePath, results, baselineQuestions);
    }
}
