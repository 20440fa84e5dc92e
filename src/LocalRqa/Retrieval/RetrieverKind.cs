namespace LocalRqa.Retrieval;

/// <summary>
/// How documents are found: by a dense embedding model (LocalRQA's "faiss"), by BM25 keyword search, or by both fused
/// (<see cref="HybridRetriever"/>).
/// </summary>
internal enum RetrieverKind
{
    Dense,
    Bm25,
    Hybrid,
}
