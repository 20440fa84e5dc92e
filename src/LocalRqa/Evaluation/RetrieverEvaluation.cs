using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>
/// The result of evaluating a retriever: LocalRQA's flat metric map (plus ranking metrics and confidence
/// bounds), the predictions (top-k per question) and the per-question scores that comparisons need.
/// </summary>
internal sealed record RetrieverEvaluation(
    IReadOnlyDictionary<string, double> Scores,
    IReadOnlyList<RetrievalPrediction> Predictions,
    PerQuestionScores LocalRqaPerQuestion,
    PerQuestionScores RankingPerQuestion,
    IReadOnlyDictionary<string, BootstrapInterval> Intervals,
    int MissingGoldDocuments)
{
    /// <summary>The score map as LocalRQA dumps score.json: keys sorted.</summary>
    public System.Text.Json.Nodes.JsonObject ScoresJson()
    {
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json[key] = value;
        return json;
    }
}
