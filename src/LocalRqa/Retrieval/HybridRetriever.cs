using System.Diagnostics;
using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// A dense retriever and BM25 over the same document database, fused (<see cref="RankFusion"/>): each side retrieves
/// <see cref="HybridSettings.Depth"/> candidates per question, and the fused ranking keeps the top k. The time each
/// side and the fusion took is kept for the log.
/// </summary>
public sealed class HybridRetriever : IRetriever, IDisposable
{
    readonly DenseRetriever dense;
    readonly Bm25Retriever bm25;
    readonly bool ownsDense;

    /// <summary>Fuses <paramref name="dense"/> and <paramref name="bm25"/>, which must search the same documents.</summary>
    /// <param name="dense">the dense side</param>
    /// <param name="bm25">the BM25 side</param>
    /// <param name="settings">how to fuse (<c>new HybridSettings()</c>: RRF, k 60, dense weight 0.5, depth 100)</param>
    /// <param name="ownsDense">whether disposing this retriever disposes <paramref name="dense"/> (its index)</param>
    public HybridRetriever(DenseRetriever dense, Bm25Retriever bm25, HybridSettings settings, bool ownsDense = true)
    {
        if (settings.Problem(topK: 1) is { } problem) throw new RqaException(problem);
        this.dense = dense;
        this.bm25 = bm25;
        this.ownsDense = ownsDense;
        Settings = settings;
    }

    /// <summary>How the two rankings are fused.</summary>
    public HybridSettings Settings { get; }

    /// <summary>"hybrid (dense (cosine) + bm25, rrf (k 60, dense weight 0.5, depth 100))", for logs.</summary>
    public string Description => $"hybrid ({dense.Description} + bm25, {Settings.Describe()})";

    /// <summary>Time spent in the dense side over every call so far.</summary>
    public TimeSpan DenseTime { get; private set; }
    /// <summary>Time spent in BM25 over every call so far.</summary>
    public TimeSpan Bm25Time { get; private set; }
    /// <summary>Time spent fusing over every call so far.</summary>
    public TimeSpan FusionTime { get; private set; }

    /// <summary>
    /// The fused top <paramref name="k"/> of each query. A k above the depth gets the whole fused union (at most twice
    /// the depth, fewer than k when the sides agree): the evaluator ranks 100 deep for its ranking metrics whatever
    /// --hybrid_depth is, while the documents a verb returns (--top_k, --n_context) are checked against the depth up
    /// front (<see cref="HybridSettings.Problem"/>). Progress counts queries once: the dense pass reports it, BM25
    /// (much faster) does not.
    /// </summary>
    public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var denseHits = dense.Retrieve(queries, Settings.Depth, progress);
        DenseTime += clock.Elapsed;
        clock.Restart();
        var bm25Hits = bm25.Retrieve(queries, Settings.Depth);
        Bm25Time += clock.Elapsed;
        clock.Restart();
        bool higherIsBetter = dense.Index.Similarity.HigherIsBetter();
        var fused = new SearchHit[queries.Count][];
        for (int q = 0; q < queries.Count; q++) fused[q] = RankFusion.Fuse(denseHits[q], bm25Hits[q], Settings, k, higherIsBetter);
        FusionTime += clock.Elapsed;
        return fused;
    }

    /// <summary>Disposes the dense side when this retriever owns it.</summary>
    public void Dispose()
    {
        if (ownsDense) dense.Dispose();
    }
}
