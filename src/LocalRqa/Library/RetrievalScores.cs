using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Library;

/// <summary>
/// The metrics of one evaluation (<see cref="EvaluationSet.Evaluate"/>), named as `rqa test-retriever` writes them in
/// score.json: LocalRQA's `test_retr/document_recall/recall4` and the others, `test_retr/ranking/mrr` and the other
/// ranking metrics, 95% bootstrap bounds (`..._ci95_low`, `..._ci95_high`) and latencies in seconds
/// (`test_retr/latency/avg_latency`).
/// </summary>
public sealed class RetrievalScores
{
    internal RetrievalScores(IReadOnlyDictionary<string, double> all, int questionCount, int missingGoldDocuments, string summary)
    {
        All = all;
        QuestionCount = questionCount;
        MissingGoldDocuments = missingGoldDocuments;
        Summary = summary;
    }

    /// <summary>The name of LocalRQA's recall@1 in <see cref="All"/>.</summary>
    public const string Recall1Name = MetricPrefix.Test + "_retr/" + LocalRqaMetrics.Recall1;

    /// <summary>The name of LocalRQA's recall@4 in <see cref="All"/>.</summary>
    public const string Recall4Name = MetricPrefix.Test + "_retr/" + LocalRqaMetrics.Recall4;

    /// <summary>Every metric by its score.json name; rates are fractions in [0, 1], latencies seconds.</summary>
    public IReadOnlyDictionary<string, double> All { get; }

    /// <summary>
    /// LocalRQA's recall@1: the share of questions whose gold passages are all in the top 1, in [0, 1]. Scored on the
    /// top `topK` documents, so with topK below 4 recall@4 counts only those.
    /// </summary>
    public double Recall1 => All[Recall1Name];

    /// <summary>LocalRQA's recall@4: the share of questions whose gold passages are all in the top 4, in [0, 1].</summary>
    public double Recall4 => All[Recall4Name];

    /// <summary>How many questions were scored.</summary>
    public int QuestionCount { get; }

    /// <summary>Gold passages absent from the database: their questions count as misses.</summary>
    public int MissingGoldDocuments { get; }

    /// <summary>The table `rqa test-retriever` prints: the main metrics with their 95% intervals, and the latency.</summary>
    public string Summary { get; }

    /// <summary>The summary table.</summary>
    public override string ToString() => Summary;
}
