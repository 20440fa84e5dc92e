namespace LocalRqa.Retrieval;

/// <summary>How a hybrid retriever combines the dense and the BM25 rankings (<see cref="RankFusion"/>).</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009), weighted: only ranks count.</summary>
    Rrf,

    /// <summary>A convex combination of each side's scores, min-max normalised per question.</summary>
    Score,
}
