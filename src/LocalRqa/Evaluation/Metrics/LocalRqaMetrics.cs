namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// LocalRQA's retrieval metrics (local_rqa/evaluation/metrics.py: DocumentRecall, DocumentAccuracy, DocumentNDCG),
/// keyed "{metric}/{key}" as its evaluator flattens them; see <see cref="MetricPrefix"/> for the "{prefix}_retr/" part.
/// Deliberate departures from its code, each marked where it applies: recall4 cuts at rank 4, likely_recall counts
/// once per question, NDCG relevance is "matches any gold document".
/// </summary>
internal static class LocalRqaMetrics
{
    public const string Recall1 = "document_recall/recall1";
    public const string Recall4 = "document_recall/recall4";
    public const string LikelyRecall = "document_recall/likely_recall";
    public const string Accuracy = "document_accuracy/accuracy";
    public const string LikelyAccuracy = "document_accuracy/likely_accuracy";
    public const string Ndcg = "document_ndcg/ndcg";

    /// <summary>One question's contribution.</summary>
    public static LocalRqaQuestionScores Score(RetrievalOutcome outcome)
    {
        var matches = OutcomeMatches.Of(outcome, likely: true);
        // Python's all() over an empty gold list is True, so a question without gold counts as recalled, as in LocalRQA.
        var recall1 = matches.GoldFirstRank.All(rank => rank is >= 0 and < 1);
        // LocalRQA takes "all retrieved" with its fixed k=4; we cut at 4 so a larger top_k leaves recall4 unchanged.
        var recall4 = matches.GoldFirstRank.All(rank => rank is >= 0 and < 4);
        // LocalRQA's calculate_recall also bumps num_likely_correct in its top-1 call, so likely_recall counts a
        // question twice and can exceed 1; we count it once, over all retrieved (top-k) documents.
        var likelyRecall = matches.GoldFirstLikelyRank.All(rank => rank >= 0);
        return new LocalRqaQuestionScores(
            recall1, recall4, likelyRecall, matches.RetrievedCount,
            matches.RetrievedIsGold.Count(x => x), matches.RetrievedIsLikelyGold.Count(x => x),
            RetrievedListNdcg(matches.RetrievedIsGold));
    }

    /// <summary>
    /// The metrics over all questions: recall4, recall1, likely_recall (share of questions), accuracy and
    /// likely_accuracy (share of all retrieved documents, pooled over questions), and with <paramref name="ndcg"/>
    /// the mean NDCG rounded to 4 decimals, in LocalRQA's key order.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Compute(IReadOnlyList<RetrievalOutcome> outcomes, bool ndcg = false)
    {
        if (outcomes.Count == 0) throw new ArgumentException("no questions to evaluate", nameof(outcomes));
        var scores = outcomes.Select(Score).ToArray();
        double Share(Func<LocalRqaQuestionScores, bool> hit) => (double)scores.Count(hit) / scores.Length;
        var seen = scores.Sum(s => s.RetrievedCount);
        // LocalRQA divides by zero when nothing at all was retrieved; we report 0.
        double OfSeen(Func<LocalRqaQuestionScores, int> count) => seen == 0 ? 0 : (double)scores.Sum(count) / seen;

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Recall4] = Share(s => s.Recall4),
            [Recall1] = Share(s => s.Recall1),
            [LikelyRecall] = Share(s => s.LikelyRecall),
            [Accuracy] = OfSeen(s => s.CorrectCount),
            [LikelyAccuracy] = OfSeen(s => s.LikelyCorrectCount),
        };
        // LocalRQA: round(Σ ndcg / #questions, 4).
        if (ndcg) metrics[Ndcg] = Math.Round(scores.Average(s => s.Ndcg), 4, MidpointRounding.ToEven);
        return metrics;
    }

    /// <summary>
    /// Per-question 0/1 values of recall4, recall1 and likely_recall (and unrounded NDCG with <paramref name="ndcg"/>),
    /// for bootstrap intervals and paired comparisons. Accuracy is pooled over documents, so it has none.
    /// </summary>
    public static PerQuestionScores PerQuestion(IReadOnlyList<RetrievalOutcome> outcomes, bool ndcg = false)
    {
        string[] names = ndcg ? [Recall4, Recall1, LikelyRecall, Ndcg] : [Recall4, Recall1, LikelyRecall];
        var table = new PerQuestionScores(names, outcomes.Count);
        for (var q = 0; q < outcomes.Count; q++)
        {
            var s = Score(outcomes[q]);
            table.Set(Recall4, q, s.Recall4 ? 1 : 0);
            table.Set(Recall1, q, s.Recall1 ? 1 : 0);
            table.Set(LikelyRecall, q, s.LikelyRecall ? 1 : 0);
            if (ndcg) table.Set(Ndcg, q, s.Ndcg);
        }
        return table;
    }

    /// <summary>
    /// What pytrec_eval's "ndcg" gives for LocalRQA's qrels, which hold only the retrieved documents:
    /// DCG = Σ rel_i / log2(i + 2) in rank order (i from 0), IDCG = the same with the relevant retrieved documents
    /// first, NDCG = DCG / IDCG, or 0 when none is relevant. LocalRQA's loop over gold documents overwrites
    /// rel_i with the last gold document's match, so a hit on any other gold document scores 0; we use
    /// "matches any gold document". Ranks follow the retriever's order.
    /// </summary>
    internal static double RetrievedListNdcg(IReadOnlyList<bool> relevant)
    {
        double dcg = 0, idcg = 0;
        var relevantCount = 0;
        for (var i = 0; i < relevant.Count; i++)
        {
            if (!relevant[i]) continue;
            dcg += 1 / Math.Log2(i + 2);
            idcg += 1 / Math.Log2(relevantCount + 2);
            relevantCount++;
        }
        return relevantCount == 0 ? 0 : dcg / idcg;
    }
}
