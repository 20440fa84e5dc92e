using LocalRqa.Data;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>
/// Every retrieval metric recomputed from predictions alone, that is from what test-predictions.jsonl holds:
/// LocalRQA's metrics from `retrieved_docs` (the top-k they are defined on), the ranking metrics from the deep
/// `ranking`. The evaluator scores its own predictions with this and `--compare_with` scores the two files with it,
/// so a file gives bit-for-bit the numbers of the run that wrote it. A ranking metric that looks deeper than the
/// predictions reach (a file without `ranking` holds only its top-k) is listed in <see cref="NotRecomputable"/>
/// and has no value, rather than a wrong one.
/// </summary>
/// <param name="Scores">Metric values keyed as in score.json without the "{prefix}_retr/" part: LocalRQA's keys and "ranking/{name}".</param>
/// <param name="LocalRqa">Per-question values of LocalRQA's metrics.</param>
/// <param name="Ranking">Per-question values of every ranking metric, including those too deep to trust.</param>
/// <param name="Depth">How far down every question's ranking is known.</param>
/// <param name="NotRecomputable">Ranking metric names deeper than <paramref name="Depth"/>.</param>
internal sealed record PredictionMetrics(
    IReadOnlyDictionary<string, double> Scores, PerQuestionScores LocalRqa, PerQuestionScores Ranking, int Depth,
    IReadOnlyList<string> NotRecomputable)
{
    public static string RankingKey(string name) => $"ranking/{name}";

    public static PredictionMetrics Of(IReadOnlyList<RetrievalPrediction> predictions, bool ndcg = false)
    {
        var topK = predictions.Select(p => new RetrievalOutcome(p.GoldDocs, p.Retrieved.Select(r => r.Document).ToList())).ToList();
        var deep = predictions.Select(DeepOutcome).ToList();
        // Without a deep ranking a question is known down to its top-k: LocalRQA's own files, and rqa's before `ranking`.
        var topKDepth = predictions.Max(p => p.Retrieved.Count);
        var depth = predictions.Min(p => p.Ranking?.Depth ?? topKDepth);

        var scores = new Dictionary<string, double>(LocalRqaMetrics.Compute(topK, ndcg), StringComparer.Ordinal);
        var ranking = RankingMetrics.PerQuestion(deep);
        var notRecomputable = new List<string>();
        foreach (var name in ranking.Metrics)
        {
            if (RankingMetrics.DepthOf(name) > depth) notRecomputable.Add(name);
            else scores[RankingKey(name)] = PerQuestionScores.Mean(ranking[name]);
        }
        return new PredictionMetrics(scores, LocalRqaMetrics.PerQuestion(topK, ndcg), ranking, depth, notRecomputable);
    }

    /// <summary>
    /// The question's deep ranking as documents. The ranking metrics look only at the ranks that hold a gold document, so
    /// an entry whose fingerprint is a gold document's becomes that document and any other a stand-in that matches no gold.
    /// </summary>
    static RetrievalOutcome DeepOutcome(RetrievalPrediction prediction)
    {
        if (prediction.Ranking is null) return new RetrievalOutcome(prediction.GoldDocs, prediction.Retrieved.Select(r => r.Document).ToList());
        var gold = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var document in prediction.GoldDocs) gold.TryAdd(IdentityFingerprint.Of(document.Identity), document);
        var retrieved = prediction.Ranking.Documents
            .Select(r => gold.TryGetValue(r.Fingerprint, out var document) ? document : NotGold(r, prediction.GoldDocs))
            .ToList();
        return new RetrievalOutcome(prediction.GoldDocs, retrieved);
    }

    /// <summary>A document no gold document equals: its page_content is the fingerprint, which no gold passage of this question has.</summary>
    static Document NotGold(RankedDocument ranked, IReadOnlyList<Document> gold)
    {
        var text = $"rqa ranked document {ranked.Index} {ranked.Fingerprint}";
        while (gold.Any(g => g.PageContent == text)) text += " ";
        return Document.Create(text, null, null);
    }
}
