using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// The eval questions' rankings a run keeps for its final comparison: BM25's (its index built once per run, also
/// the BM25 side of hybrid evaluation during training) and each evaluated step's dense ranking, to the hybrid depth.
/// With them, every hybrid the final table shows, under every candidate weight, is a fusion per question: no model
/// runs again. A ranking is Q × depth hits, about 0.8 MB per evaluation for 1,000 questions at depth 100.
/// </summary>
internal sealed class EvalRankings(IReadOnlyList<RetrievalExample> eval, DocumentCollection documents, int depth, int batchSize)
{
    readonly Dictionary<int, DenseRankings> dense = [];
    readonly IReadOnlyList<string> questions = eval.Select(e => e.Question).ToList();
    Bm25Retriever? bm25;
    SearchHit[][]? bm25Rankings;

    public IReadOnlyList<string> Questions => questions;

    /// <summary>Candidates per question on each side (`--hybrid_depth`).</summary>
    public int Depth => depth;

    /// <summary>BM25 over the run's documents, built on first use.</summary>
    public Bm25Retriever Bm25 => bm25 ??= new Bm25Retriever(documents.Documents);

    /// <summary>BM25's ranking of every eval question.</summary>
    public SearchHit[][] Bm25Rankings => bm25Rankings ??= [.. Bm25.Retrieve(questions, depth)];

    /// <summary>
    /// Ranks the eval questions with the model at <paramref name="step"/>, in the evaluator's batches (so the question
    /// embeddings are those an evaluation of the same retriever computes), and keeps the rankings.
    /// </summary>
    public void RecordDense(int step, DenseRetriever retriever) => dense[step] = Rank(retriever);

    /// <summary>
    /// Keeps the rankings a dense evaluation of the model at <paramref name="step"/> already made (its predictions'
    /// deep rankings, from the same retriever in the same batches) when they reach exactly this depth, so the questions
    /// are not embedded and searched a second time; otherwise ranks them (<see cref="RecordDense(int, DenseRetriever)"/>).
    /// </summary>
    public void RecordDense(int step, DenseRetriever retriever, RetrieverEvaluation evaluation)
    {
        var deep = evaluation.Predictions.Select(p => p.Ranking).ToList();
        if (deep.Count != questions.Count || deep.Any(r => r is null || r.Depth != depth))
        {
            RecordDense(step, retriever);
            return;
        }
        var hits = deep.Select(r => r!.Documents.Select(d => new SearchHit(d.Index, (float)d.Score)).ToArray()).ToArray();
        dense[step] = new DenseRankings(hits, retriever.Index.Similarity.HigherIsBetter());
    }

    /// <summary>Ranks the eval questions with <paramref name="retriever"/>, in the evaluator's batches, without keeping them.</summary>
    public DenseRankings Rank(DenseRetriever retriever)
    {
        var rankings = new List<SearchHit[]>(questions.Count);
        foreach (var batch in questions.Chunk(batchSize)) rankings.AddRange(retriever.Retrieve(batch, depth));
        return new DenseRankings([.. rankings], retriever.Index.Similarity.HigherIsBetter());
    }

    /// <summary>The dense rankings of the model at <paramref name="step"/>, or null when that step was not evaluated in this process.</summary>
    public DenseRankings? Dense(int step) => dense.GetValueOrDefault(step);
}
