using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// A hybrid evaluated from rankings already computed: each question's dense and BM25 candidates fused
/// (<see cref="RankFusion"/>, as <see cref="HybridRetriever"/> fuses them) and scored by the evaluator.
/// </summary>
internal static class FusedEvaluation
{
    public static RetrieverEvaluation Evaluate(RetrieverEvaluator evaluator, IReadOnlyList<string> questions, DenseRankings dense,
        SearchHit[][] bm25, HybridSettings settings)
    {
        var fused = new SearchHit[questions.Count][];
        for (var q = 0; q < questions.Count; q++)
            fused[q] = RankFusion.Fuse(Top(dense.Hits[q], settings.Depth), Top(bm25[q], settings.Depth), settings, settings.Depth, dense.HigherIsBetter);
        return evaluator.Evaluate(new PrecomputedRetriever(questions, fused, $"hybrid ({settings.Describe()})"), "eval");
    }

    /// <summary>Scores rankings as they are (a dense model's, BM25's).</summary>
    public static RetrieverEvaluation EvaluateAsIs(RetrieverEvaluator evaluator, IReadOnlyList<string> questions, SearchHit[][] rankings, string description) =>
        evaluator.Evaluate(new PrecomputedRetriever(questions, rankings, description), "eval");

    /// <summary>The retrieval quality scores of an evaluation: not its latencies (nothing ran) nor confidence bounds.</summary>
    public static Dictionary<string, double> Quality(IReadOnlyDictionary<string, double> scores) => scores
        .Where(kv => kv.Key.StartsWith("eval_retr/", StringComparison.Ordinal) && !kv.Key.Contains("/latency/", StringComparison.Ordinal)
                     && !kv.Key.Contains("_ci95_", StringComparison.Ordinal))
        .ToDictionary();

    static SearchHit[] Top(SearchHit[] hits, int depth) => hits.Length <= depth ? hits : hits[..depth];
}
