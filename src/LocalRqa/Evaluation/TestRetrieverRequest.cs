namespace LocalRqa.Evaluation;

/// <summary>What `rqa test-retriever` was asked to do (LocalRQA's test_retriever.py arguments and ours).</summary>
public sealed record TestRetrieverRequest
{
    public required string EmbeddingModel { get; init; }
    public required string DocumentPath { get; init; }
    public string? IndexPath { get; init; }
    public required string EvalDataPath { get; init; }
    public required string OutputDir { get; init; }
    /// <summary>"faiss" (dense) or "bm25", as LocalRQA names them.</summary>
    public string RetrieverType { get; init; } = "faiss";
    public int TestBatchSize { get; init; } = 8;
    /// <summary>Null: the model's own similarity, else cosine.</summary>
    public string? Similarity { get; init; }
    public int TopK { get; init; } = 4;
    public int? MaxLength { get; init; }
    /// <summary>False embeds queries and documents without the model's prompts (as LocalRQA's HuggingFaceEmbeddings).</summary>
    public bool UsePrompts { get; init; } = true;
    public bool RebuildIndex { get; init; }
    public bool Ndcg { get; init; }
    public string? CompareWith { get; init; }
    public int BootstrapResamples { get; init; } = 1000;
    public int Seed { get; init; } = 42;
}
