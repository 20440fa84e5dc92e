namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// Standard IR ranking metrics with binary relevance (a retrieved document is relevant when it equals a gold
/// document by identity), computed per question and then averaged:
/// recall@k = |gold in top k| / |gold|, hit@k = [any gold in top k] for k ∈ {1, 3, 5, 10, 20};
/// mrr@10 = 1 / rank of the first relevant document in the top 10 (else 0);
/// ndcg@10 = DCG@10 / IDCG@10 with DCG = Σ rel_i / log2(i + 2) (i from 0) and IDCG over min(|gold|, 10) ideal hits,
/// so gold documents never retrieved still lower it; map@100 = Σ over relevant ranks r ≤ 100 of precision@r / |gold|.
/// </summary>
/// <remarks>
/// A cutoff beyond the number retrieved uses what was retrieved, so recall@20 and hit@20 need top_k ≥ 20.
/// Gold documents are a set (duplicates by identity count once) and only the first retrieval of a gold document is
/// relevant, as with trec_eval qrels. A question without gold documents scores 0 on every metric.
/// </remarks>
internal static class RankingMetrics
{
    public static IReadOnlyList<int> CutOffs { get; } = [1, 3, 5, 10, 20];

    public const int MrrDepth = 10;
    public const int NdcgDepth = 10;
    public const int MapDepth = 100;

    public static string RecallAt(int k) => $"recall@{k}";
    public static string HitAt(int k) => $"hit@{k}";
    public static readonly string Mrr = $"mrr@{MrrDepth}";
    public static readonly string NdcgAt10 = $"ndcg@{NdcgDepth}";
    public static readonly string MapAt100 = $"map@{MapDepth}";

    /// <summary>Metric names in report order: recall@k, hit@k, mrr@10, ndcg@10, map@100.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. CutOffs.Select(RecallAt), .. CutOffs.Select(HitAt), Mrr, NdcgAt10, MapAt100];

    /// <summary>
    /// The rank a metric looks down to: a ranking complete to this depth gives its exact value (recall@k and hit@k: k;
    /// mrr@10, ndcg@10: 10; map@100: 100).
    /// </summary>
    public static int DepthOf(string name) => Depths.TryGetValue(name, out var depth) ? depth : throw new ArgumentException($"not a ranking metric: {name}", nameof(name));

    static readonly Dictionary<string, int> Depths = new([
        .. CutOffs.Select(k => KeyValuePair.Create(RecallAt(k), k)), .. CutOffs.Select(k => KeyValuePair.Create(HitAt(k), k)),
        KeyValuePair.Create(Mrr, MrrDepth), KeyValuePair.Create(NdcgAt10, NdcgDepth), KeyValuePair.Create(MapAt100, MapDepth)], StringComparer.Ordinal);

    /// <summary>The deepest rank any metric looks at: how deep a ranking must be kept to recompute them all.</summary>
    public static int MaxDepth => MapDepth;

    /// <summary>Every metric for one question, in <see cref="Names"/> order.</summary>
    public static IReadOnlyDictionary<string, double> Score(RetrievalOutcome outcome)
    {
        var matches = OutcomeMatches.Of(outcome, likely: false);
        var goldCount = matches.GoldCount;
        // 0-based ranks at which a gold document is first retrieved, ascending.
        var hits = matches.GoldFirstRank.Where(rank => rank >= 0).Order().ToArray();

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var k in CutOffs)
            scores[RecallAt(k)] = goldCount == 0 ? 0 : (double)hits.Count(rank => rank < k) / goldCount;
        foreach (var k in CutOffs)
            scores[HitAt(k)] = hits.Length > 0 && hits[0] < k ? 1 : 0;
        scores[Mrr] = hits.Length > 0 && hits[0] < MrrDepth ? 1.0 / (hits[0] + 1) : 0;
        scores[NdcgAt10] = NdcgAt(hits, goldCount, NdcgDepth);
        scores[MapAt100] = AveragePrecisionAt(hits, goldCount, MapDepth);
        return scores;
    }

    /// <summary>Every metric for every question; <see cref="PerQuestionScores.Means"/> gives the reported values.</summary>
    public static PerQuestionScores PerQuestion(IReadOnlyList<RetrievalOutcome> outcomes)
    {
        var table = new PerQuestionScores(Names, outcomes.Count);
        for (var q = 0; q < outcomes.Count; q++)
            foreach (var (name, value) in Score(outcomes[q]))
                table.Set(name, q, value);
        return table;
    }

    private static double NdcgAt(int[] hits, int goldCount, int depth)
    {
        double dcg = 0, idcg = 0;
        foreach (var rank in hits)
            if (rank < depth) dcg += 1 / Math.Log2(rank + 2);
        for (var i = 0; i < Math.Min(goldCount, depth); i++) idcg += 1 / Math.Log2(i + 2);
        return idcg == 0 ? 0 : dcg / idcg;
    }

    // AP@depth = (1/|gold|) Σ_{j-th hit at rank r ≤ depth} j / r  (r 1-based).
    private static double AveragePrecisionAt(int[] hits, int goldCount, int depth)
    {
        if (goldCount == 0) return 0;
        var sum = 0.0;
        for (var j = 0; j < hits.Length && hits[j] < depth; j++) sum += (j + 1.0) / (hits[j] + 1);
        return sum / goldCount;
    }
}
