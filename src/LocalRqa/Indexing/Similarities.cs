namespace LocalRqa.Indexing;

/// <summary>Names of similarities as flags and sentence-transformers configs spell them.</summary>
internal static class Similarities
{
    /// <summary>`l2`, `ip`/`dot`/`dot_product`, `cosine`; null for an unknown name.</summary>
    public static Similarity? TryParse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "l2" or "euclidean" => Similarity.L2,
        "ip" or "dot" or "dot_product" or "inner_product" => Similarity.InnerProduct,
        "cosine" or "cos" => Similarity.Cosine,
        _ => null,
    };

    public static Similarity Parse(string name, string source = "--similarity") =>
        TryParse(name) ?? throw new RqaException($"{source}: unknown similarity '{name}' (expected l2, ip or cosine)");

    public static string Name(this Similarity similarity) => similarity switch
    {
        Similarity.L2 => "l2",
        Similarity.InnerProduct => "ip",
        _ => "cosine",
    };

    /// <summary>True when a larger score means a better match.</summary>
    public static bool HigherIsBetter(this Similarity similarity) => similarity != Similarity.L2;
}
