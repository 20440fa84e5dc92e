namespace LocalRqa.Losses;

/// <summary>
/// How <see cref="ContrastiveLoss"/> scores a query against a candidate. `Dot` is LocalRQA's
/// <c>einsum('id,jd->ij', q / T, k)</c> on the pooled embeddings as they come; `Cosine` normalises both sides
/// to unit L2 norm first (the same as `Dot` for an encoder that already normalises).
/// </summary>
public enum ContrastiveSimilarity
{
    /// <summary>`dot`: the dot product of the embeddings as pooled (LocalRQA).</summary>
    Dot,
    /// <summary>`cosine`: the dot product of the L2-normalised embeddings.</summary>
    Cosine,
}
