namespace LocalRqa.Indexing;

/// <summary>
/// A searchable set of document embeddings, immutable once built (an HNSW index or an external vector
/// database can implement it too). Document indices are positions in the document database.
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>Number of documents (rows).</summary>
    int Count { get; }

    /// <summary>Length of every embedding.</summary>
    int Dimension { get; }

    Similarity Similarity { get; }

    /// <summary>
    /// The best min(k, Count) documents of each query, best first: Euclidean by squared distance
    /// ascending (as FAISS IndexFlatL2 reports it), Dot and Cosine by score descending; equal scores
    /// by lower document index.
    /// </summary>
    IReadOnlyList<SearchHit[]> Search(float[][] queries, int k);
}
