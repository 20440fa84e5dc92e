using LocalRqa.Retrieval;

namespace LocalRqa.Jobs;

/// <summary>What `rqa prepare-ctxs` (or `rqa train dca` before training) builds DCA files from.</summary>
internal sealed record PrepareCtxsRequest
{
    /// <summary>The document database (documents.pkl, JSONL or a JSON list).</summary>
    public required string DocumentPath { get; init; }
    /// <summary>LocalRQA train/eval files (RetrievalDataReader's formats).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>The output of a single input; null writes &lt;name&gt;_ctxs.json beside each input.</summary>
    public string? Output { get; init; }
    /// <summary>"bm25", "dense" or "hybrid" (both fused).</summary>
    public string Retriever { get; init; } = "bm25";
    /// <summary>The dense model (folder or hub id); only with Retriever "dense" or "hybrid".</summary>
    public string? ModelNameOrPath { get; init; }
    /// <summary>The fusion flags of Retriever "hybrid" (over the model folder's hybrid_retrieval.json); null: none given.</summary>
    public HybridArguments? Hybrid { get; init; }
    public int NContext { get; init; } = 50;
    public int BatchSize { get; init; } = 32;
}
