using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>
/// The result of evaluating a retriever: LocalRQA's flat metric map (plus ranking metrics and confidence
/// bounds), the predictions (top-k per question) and the per-question scores that comparisons need.
/// </summary>
public sealed record RetrieverEvaluation(
    IReadOnlyDictionary<string, double> Scores,
    IReadOnlyList<RetrievalPrediction> Predictions,
    PerQuestionScores LocalRqaPerQuestion,
    PerQuestionScores RankingPerQuestion,
    IReadOnlyDictionary<string, BootstrapInterval> Intervals,
    int MissingGoldDocuments);
