namespace LocalRqa.Indexing;

/// <summary>
/// How query and document embeddings are compared. `L2` is FAISS's IndexFlatL2 (LocalRQA's default): the
/// squared Euclidean distance, smaller is better. `InnerProduct` and `Cosine`: larger is better.
/// </summary>
public enum Similarity
{
    /// <summary>`l2`: squared Euclidean distance, smaller is better.</summary>
    L2,
    /// <summary>`ip`: inner product, larger is better.</summary>
    InnerProduct,
    /// <summary>`cosine`: cosine similarity (rows L2-normalised), larger is better.</summary>
    Cosine,
}
