namespace LocalRqa.Indexing;

/// <summary>
/// The one vocabulary of similarities: sentence-transformers' `similarity_fn_name` values (cosine, dot, euclidean), which
/// flags, all_args.json, index manifests, logs and model folders all print. Other spellings are read as aliases.
/// </summary>
internal static class Similarities
{
    /// <summary>The canonical names, in the order help lists them.</summary>
    public static IReadOnlyList<(string Name, Similarity Value)> Choices { get; } =
        [("cosine", Similarity.Cosine), ("dot", Similarity.Dot), ("euclidean", Similarity.Euclidean)];

    /// <summary>
    /// Other spellings, case-insensitive, → the canonical name: FAISS's and older rqa's (ip, l2; index manifests saved by
    /// them must still load), spelled-out forms and sentence-transformers' older dot_product.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ip"] = "dot", ["inner_product"] = "dot", ["dot_product"] = "dot",
        ["l2"] = "euclidean",
        ["cos"] = "cosine",
    };

    /// <summary>A canonical name or an alias, case-insensitive; null for an unknown name.</summary>
    public static Similarity? TryParse(string? name)
    {
        if (name is null) return null;
        var text = name.Trim();
        if (Aliases.TryGetValue(text, out var canonical)) text = canonical;
        foreach (var (spelling, value) in Choices)
            if (string.Equals(spelling, text, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    public static Similarity Parse(string name, string source = "--similarity") =>
        TryParse(name) ?? throw new RqaException($"{source}: unknown similarity '{name}' (expected cosine, dot or euclidean; " +
                                                 $"also accepted: {string.Join(", ", Aliases.Keys)})");

    /// <summary>The canonical name: what every file, log line and help text prints.</summary>
    public static string Name(this Similarity similarity) => similarity switch
    {
        Similarity.Euclidean => "euclidean",
        Similarity.Dot => "dot",
        _ => "cosine",
    };

    /// <summary>True when a larger score means a better match.</summary>
    public static bool HigherIsBetter(this Similarity similarity) => similarity != Similarity.Euclidean;
}
