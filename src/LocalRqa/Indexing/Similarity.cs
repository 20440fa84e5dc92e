namespace LocalRqa.Indexing;

/// <summary>
/// How query and document embeddings are compared. `L2` is FAISS's IndexFlatL2 (LocalRQA's default): the
/// squared Euclidean distance, smaller is better. `InnerProduct` and `Cosine`: larger is better.
/// </summary>
public enum Similarity { L2, InnerProduct, Cosine }
