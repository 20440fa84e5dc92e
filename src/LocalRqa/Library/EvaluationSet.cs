using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Retrieval;

namespace LocalRqa.Library;

/// <summary>
/// A document database and LocalRQA questions with their gold passages: what a retriever is evaluated on. Evaluating
/// scores any <see cref="IRetriever"/> (dense, BM25, hybrid, or the caller's own) as `rqa test-retriever` does.
/// </summary>
public sealed class EvaluationSet
{
    /// <param name="documents">the database retrievers search (hits are positions in it)</param>
    /// <param name="questions">questions with their gold passages, e.g. from <see cref="RetrievalDataReader.Read"/></param>
    /// <exception cref="RqaException">there are no questions</exception>
    public EvaluationSet(DocumentCollection documents, IReadOnlyList<RetrievalExample> questions)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(questions);
        if (questions.Count == 0) throw new RqaException("an evaluation set needs at least one question");
        Documents = documents;
        Questions = questions;
    }

    /// <summary>
    /// Reads a document database (LocalRQA's documents.pkl, JSONL or a JSON list) and a question file (LocalRQA's
    /// eval_w_q.jsonl shape: `questions` or `question`, and `gold_docs`).
    /// </summary>
    /// <param name="documentPath">the document database</param>
    /// <param name="questionPath">the questions</param>
    /// <param name="log">where warnings go (repeated documents, empty questions); null: nowhere</param>
    /// <exception cref="RqaException">a file is missing, empty or not in a format listed above</exception>
    public static EvaluationSet Load(string documentPath, string questionPath, TextWriter? log = null) =>
        new(DocumentCollection.Load(documentPath, log), RetrievalDataReader.Read(questionPath, log));

    /// <summary>The document database.</summary>
    public DocumentCollection Documents { get; }

    /// <summary>The questions, one per entry of a file line's `questions` list.</summary>
    public IReadOnlyList<RetrievalExample> Questions { get; }

    /// <summary>
    /// Retrieves for every question and scores the top <paramref name="topK"/> with LocalRQA's metrics (and ranking
    /// metrics over the top 100, with 95% bootstrap intervals, 1000 resamples, seed 42): the numbers, names and
    /// defaults of `rqa test-retriever`'s score.json.
    /// </summary>
    /// <param name="retriever">the retriever to score; its hits are positions in <see cref="Documents"/></param>
    /// <param name="topK">documents per question that LocalRQA's metrics look at (test-retriever's --top_k)</param>
    /// <param name="batchSize">questions per retrieval call (test-retriever's --test_bszv); latency is measured per call</param>
    /// <param name="log">where warnings go (gold passages missing from the database); null: nowhere</param>
    /// <exception cref="RqaException"><paramref name="topK"/> or <paramref name="batchSize"/> is below 1</exception>
    public RetrievalScores Evaluate(IRetriever retriever, int topK = 4, int batchSize = 8, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        var options = new EvaluatorOptions { TopK = topK, BatchSize = batchSize };
        var evaluation = new RetrieverEvaluator(Questions, Documents, options).Evaluate(retriever, MetricPrefix.Test, log);
        return new RetrievalScores(evaluation.Scores, Questions.Count, evaluation.MissingGoldDocuments,
            EvaluationSummary.Table(evaluation, MetricPrefix.Test, retriever.Description));
    }
}
