namespace LocalRqa.Indexing;

/// <summary>
/// How query and document embeddings are compared, named as sentence-transformers' `similarity_fn_name`
/// (<see cref="Similarities"/>). `Euclidean` ranks by distance and scores as FAISS's IndexFlatL2 does (LocalRQA's
/// FAISS store): the squared distance, smaller is better. `Dot` and `Cosine`: larger is better.
/// </summary>
public enum Similarity { Euclidean, Dot, Cosine }
