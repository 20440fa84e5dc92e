namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// One question's contribution to LocalRQA's retrieval metrics.
/// </summary>
/// <param name="Recall1">Every gold document is the top-1 document.</param>
/// <param name="Recall4">Every gold document is among the top 4.</param>
/// <param name="LikelyRecall">Every gold document is likely (coverage &gt; 0.7) one of the retrieved documents.</param>
/// <param name="RetrievedCount">Number of retrieved documents (accuracy's denominator share).</param>
/// <param name="CorrectCount">Retrieved documents equal to some gold document.</param>
/// <param name="LikelyCorrectCount">Retrieved documents likely equal to some gold document.</param>
/// <param name="Ndcg">NDCG over the retrieved list with qrels covering only retrieved documents, unrounded.</param>
internal sealed record LocalRqaQuestionScores(
    bool Recall1, bool Recall4, bool LikelyRecall, int RetrievedCount, int CorrectCount, int LikelyCorrectCount, double Ndcg);
