namespace LocalRqa.Retrieval;

/// <summary>How documents are found: by a dense embedding model (LocalRQA's "faiss") or by BM25 keyword search.</summary>
public enum RetrieverKind
{
    Dense,
    Bm25,
}
