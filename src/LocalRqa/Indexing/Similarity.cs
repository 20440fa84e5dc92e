namespace LocalRqa.Indexing;

/// <summary>
/// How query and document embeddings are compared, named as sentence-transformers' `similarity_fn_name`
/// (<see cref="Similarities"/>). `Euclidean` ranks by distance and scores as FAISS's IndexFlatL2 does (LocalRQA's
/// FAISS store): the squared distance, smaller is better. `Dot` and `Cosine`: larger is better.
/// </summary>
public enum Similarity
{
    /// <summary>`euclidean` (alias `l2`): squared Euclidean distance, as FAISS's IndexFlatL2 scores; smaller is better.</summary>
    Euclidean,
    /// <summary>`dot` (aliases `ip`, `inner_product`, `dot_product`): inner product; larger is better.</summary>
    Dot,
    /// <summary>`cosine` (alias `cos`): cosine similarity (rows L2-normalised); larger is better.</summary>
    Cosine,
}
