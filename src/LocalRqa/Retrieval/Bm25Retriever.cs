using LocalRqa.Data;
using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// LocalRQA's BM25Retriever: BM25Okapi (k1 1.5, b 0.75, ε 0.25) over each document's fmt_content, tokenised by
/// <see cref="Bm25Tokenizer"/>. Scores every document; queries are scored in parallel.
/// </summary>
public sealed class Bm25Retriever : IRetriever
{
    /// <summary>Indexes the documents' fmt_content; hits are positions in <paramref name="documents"/>.</summary>
    /// <param name="documents">the database, e.g. <see cref="DocumentCollection.Documents"/></param>
    /// <param name="k1">BM25's term-frequency saturation</param>
    /// <param name="b">BM25's length normalisation</param>
    /// <param name="epsilon">the floor of a very common term's idf, as a fraction of the mean idf (rank_bm25's BM25Okapi)</param>
    /// <exception cref="RqaException">there are no documents</exception>
    public Bm25Retriever(IReadOnlyList<Document> documents, double k1 = 1.5, double b = 0.75, double epsilon = 0.25)
    {
        if (documents.Count == 0) throw new RqaException("BM25 retrieval needs at least one document");
        var tokens = new string[documents.Count][];
        Parallel.For(0, documents.Count, i => tokens[i] = Bm25Tokenizer.Tokenize(documents[i].FmtContent));
        Index = new Bm25Index(tokens, k1, b, epsilon);
    }

    internal Bm25Index Index { get; }

    /// <summary>"bm25".</summary>
    public string Description => "bm25";

    /// <summary>
    /// Scores every document for each query (in parallel) and keeps the top <paramref name="k"/>. Progress, the
    /// number of queries done so far, is reported from worker threads.
    /// </summary>
    public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var results = new SearchHit[queries.Count][];
        int done = 0;
        // One scores buffer per worker, reused across its queries.
        Parallel.For(0, queries.Count,
            () => new double[Index.DocumentCount],
            (q, _, scores) =>
            {
                Index.Scores(Bm25Tokenizer.Tokenize(queries[q]), scores);
                results[q] = TopK(scores, k);
                progress?.Report(Interlocked.Increment(ref done));
                return scores;
            },
            _ => { });
        return results;
    }

    /// <summary>The k best documents, highest score first, ties by lower document index.</summary>
    internal static SearchHit[] TopK(double[] scores, int k)
    {
        k = Math.Min(k, scores.Length);
        if (k == 0) return [];
        // Min-heap of the k best so far; its root is the worst kept: lowest score, then highest index.
        var heap = new PriorityQueue<int, (double Score, int NegatedIndex)>(k);
        for (int d = 0; d < scores.Length; d++)
        {
            var key = (scores[d], -d);
            if (heap.Count < k) heap.Enqueue(d, key);
            else if (heap.TryPeek(out _, out var worst) && key.CompareTo(worst) > 0) heap.EnqueueDequeue(d, key);
        }
        var hits = new SearchHit[heap.Count];
        for (int i = hits.Length - 1; i >= 0; i--)
        {
            int d = heap.Dequeue();
            hits[i] = new SearchHit(d, (float)scores[d]);
        }
        return hits;
    }
}
