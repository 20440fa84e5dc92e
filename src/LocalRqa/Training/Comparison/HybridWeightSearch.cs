using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// `--hybrid_weight auto`: the dense share w from 0.2, 0.3, ..., 0.8 that scores best on the eval questions by
/// --metric_for_best_model. Both sides' rankings are computed once and fused per candidate, so the search costs seven
/// fusions, not seven evaluations. Ties go to the weight closest to 0.5 (the equal-share default), then to the lower.
/// </summary>
internal static class HybridWeightSearch
{
    public static IReadOnlyList<double> Candidates { get; } = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

    /// <summary>Metrics that differ by less than this are a tie: the same outcomes averaged in another order.</summary>
    const double TieTolerance = 1e-12;

    /// <returns>the chosen weight and each candidate's metric, in candidate order</returns>
    public static (double Weight, IReadOnlyList<WeightCandidate> Candidates) Search(RetrieverEvaluator evaluator, IReadOnlyList<string> questions,
        DenseRankings dense, SearchHit[][] bm25, HybridSettings settings, string metric, bool greaterIsBetter)
    {
        var scored = Candidates.Select(w =>
        {
            var scores = FusedEvaluation.Evaluate(evaluator, questions, dense, bm25, settings with { Weight = w }).Scores;
            return scores.TryGetValue(metric, out var value)
                ? new WeightCandidate(w, value)
                : throw new RqaException($"--hybrid_weight auto: --metric_for_best_model {metric} is not among the evaluation's metrics");
        }).ToList();
        return (Choose(scored, greaterIsBetter), scored);
    }

    /// <summary>The best candidate's weight; ties to the weight closest to 0.5, then the lower.</summary>
    public static double Choose(IReadOnlyList<WeightCandidate> candidates, bool greaterIsBetter)
    {
        if (candidates.Count == 0) throw new ArgumentException("no candidate weights", nameof(candidates));
        var best = greaterIsBetter ? candidates.Max(c => c.Metric) : candidates.Min(c => c.Metric);
        // Distances rounded: 0.8 − 0.5 is 0.30000000000000004, 0.5 − 0.2 is 0.3.
        return candidates.Where(c => Math.Abs(c.Metric - best) <= TieTolerance)
            .OrderBy(c => Math.Round(Math.Abs(c.Weight - 0.5), 9)).ThenBy(c => c.Weight).First().Weight;
    }
}
