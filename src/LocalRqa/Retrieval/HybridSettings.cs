using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Retrieval;

/// <summary>
/// How a <see cref="HybridRetriever"/> fuses the dense model's ranking with BM25's. A trained model folder keeps the
/// settings it was selected with in <see cref="FileName"/>, beside the sentence-transformers files, so that
/// `rqa test-retriever --retriever_type hybrid` on that folder uses them unless flags say otherwise.
/// </summary>
public sealed record HybridSettings
{
    /// <summary>The model folder's file of fusion settings.</summary>
    public const string FileName = "hybrid_retrieval.json";

    /// <summary>Candidates each side retrieves before fusion (`--hybrid_depth`).</summary>
    public int Depth { get; init; } = 100;

    /// <summary>`--fusion`: reciprocal rank fusion or a combination of normalised scores.</summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.Rrf;

    /// <summary>RRF's k (`--rrf_k`): larger flattens the difference between the first ranks.</summary>
    public double RrfK { get; init; } = 60;

    /// <summary>The dense side's share w in [0, 1] (`--hybrid_weight`); BM25 gets 1 − w.</summary>
    public double Weight { get; init; } = 0.5;

    /// <summary>The one-line error for settings that cannot fuse <paramref name="topK"/> documents, else null.</summary>
    public string? Problem(int topK) =>
        RrfK <= 0 || !double.IsFinite(RrfK) ? $"--rrf_k must be a positive number, got {RrfK}"
        : Weight is < 0 or > 1 || double.IsNaN(Weight) ? $"--hybrid_weight must be in [0, 1] (the dense share) or auto, got {Weight}"
        : Depth < topK ? $"--hybrid_depth {Depth} is below --top_k {topK}: each side must retrieve at least the documents returned"
        : null;

    /// <summary>"rrf (k 60, dense weight 0.5, depth 100)": what logs and reports print.</summary>
    public string Describe() => Fusion == FusionMethod.Rrf
        ? $"rrf (k {RrfK}, dense weight {Weight}, depth {Depth})"
        : $"score (dense weight {Weight}, depth {Depth})";

    internal JsonObject ToJson() => new()
    {
        ["fusion"] = Fusion == FusionMethod.Rrf ? "rrf" : "score",
        ["rrf_k"] = RrfK,
        ["hybrid_weight"] = Weight,
        ["hybrid_depth"] = Depth,
    };

    /// <summary>Saves the settings into a model folder.</summary>
    public void Save(string modelFolder) => JsonFile.Write(Path.Combine(modelFolder, FileName), ToJson());

    /// <summary>The settings a model folder records, or null when it records none (any folder, or a hub id).</summary>
    public static HybridSettings? TryLoad(string modelFolder)
    {
        var path = Path.Combine(modelFolder, FileName);
        if (!File.Exists(path)) return null;
        var json = JsonFile.ReadObject(path);
        var defaults = new HybridSettings();
        var fusion = JsonFile.String(json["fusion"], path, "fusion") switch
        {
            null or "rrf" => FusionMethod.Rrf,
            "score" => FusionMethod.Score,
            var other => throw new RqaException($"{path}: field 'fusion' must be rrf or score, got '{other}'"),
        };
        var settings = new HybridSettings
        {
            Fusion = fusion,
            RrfK = Number(json, path, "rrf_k") ?? defaults.RrfK,
            Weight = Number(json, path, "hybrid_weight") ?? defaults.Weight,
            Depth = (int?)JsonFile.Integer(json["hybrid_depth"], path, "hybrid_depth") ?? defaults.Depth,
        };
        if (settings.Problem(topK: 1) is { } problem) throw new RqaException($"{path}: {problem}");
        return settings;
    }

    static double? Number(JsonObject json, string path, string field) => json[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => throw new RqaException($"{path}: field '{field}' must be a number"),
    };
}
