using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Json;

namespace LocalRqa.Indexing;

/// <summary>
/// What a saved index was built from (manifest.json). An index is reused only when every identity field
/// (all but <see cref="EmbeddingsXxh128"/>, <see cref="CreatedAt"/> and <see cref="RqaVersion"/>) equals what the
/// current run would build.
/// </summary>
internal sealed record VectorIndexManifest
{
    public const int CurrentFormatVersion = 1;
    /// <summary>Marks manifest.json as ours, so that an unrelated folder's manifest is never taken for an index.</summary>
    internal const string Kind = "rqa-vector-index";

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required int DocumentCount { get; init; }
    /// <summary>See <see cref="Indexing.DocumentFingerprint"/>.</summary>
    public required string DocumentsFingerprint { get; init; }
    /// <summary>Supplied by the caller, e.g. SHA-256 of the model's weights and config.</summary>
    public required string ModelFingerprint { get; init; }
    public required string Pooling { get; init; }
    public required bool Normalize { get; init; }
    /// <summary>The prompt prepended to documents (queries' prompt does not change the index).</summary>
    public string Prompt { get; init; } = "";
    public bool LowerCase { get; init; }
    public required int MaxLength { get; init; }
    public required Similarity Similarity { get; init; }
    public required int Dimension { get; init; }
    /// <summary>
    /// XXH3-128 of embeddings.safetensors' bytes as saved (lowercase hex), set by <see cref="VectorIndexStore.Save(string, VectorIndexManifest, ExactVectorIndex, bool)"/>
    /// and verified on every load; null in an index saved before rqa recorded it (such an index loads with a warning).
    /// </summary>
    public string? EmbeddingsXxh128 { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public string RqaVersion { get; init; } = LibraryVersion;

    static string LibraryVersion =>
        typeof(VectorIndexManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The manifest of an index of <paramref name="documents"/> embedded by an encoder with these settings.</summary>
    public static VectorIndexManifest For(IReadOnlyList<Document> documents, string modelFingerprint, EncoderSettings settings, Similarity similarity, int dimension) => new()
    {
        DocumentCount = documents.Count,
        DocumentsFingerprint = DocumentFingerprint.Compute(documents),
        ModelFingerprint = modelFingerprint,
        Pooling = settings.Pooling.Name(),
        Normalize = settings.Normalize,
        Prompt = settings.PassagePrompt,
        LowerCase = settings.LowerCaseInput,
        MaxLength = settings.MaxLength,
        Similarity = similarity,
        Dimension = dimension,
    };

    /// <summary>
    /// Null when this (stored) manifest describes the index that <paramref name="expected"/> asks for, else one
    /// line naming every difference, stored value first: "similarity cosine vs euclidean".
    /// </summary>
    public string? DescribeDifference(VectorIndexManifest expected)
    {
        var differences = new List<string>();
        if (FormatVersion != expected.FormatVersion)
            differences.Add($"index format {FormatVersion} vs {expected.FormatVersion}");
        if (DocumentCount != expected.DocumentCount || DocumentsFingerprint != expected.DocumentsFingerprint)
            differences.Add($"built from a different document set ({DocumentCount} documents, fingerprint {Short(DocumentsFingerprint)} " +
                            $"vs {expected.DocumentCount} documents, {Short(expected.DocumentsFingerprint)})");
        if (ModelFingerprint != expected.ModelFingerprint)
            differences.Add($"built with a different model (fingerprint {Short(ModelFingerprint)} vs {Short(expected.ModelFingerprint)})");
        if (Pooling != expected.Pooling) differences.Add($"pooling {Pooling} vs {expected.Pooling}");
        if (Normalize != expected.Normalize) differences.Add($"normalize {Lower(Normalize)} vs {Lower(expected.Normalize)}");
        if (Prompt != expected.Prompt) differences.Add($"prompt {Quote(Prompt)} vs {Quote(expected.Prompt)}");
        if (LowerCase != expected.LowerCase) differences.Add($"lower_case {Lower(LowerCase)} vs {Lower(expected.LowerCase)}");
        if (MaxLength != expected.MaxLength) differences.Add($"max_length {MaxLength} vs {expected.MaxLength}");
        if (Similarity != expected.Similarity) differences.Add($"similarity {Similarity.Name()} vs {expected.Similarity.Name()}");
        if (Dimension != expected.Dimension) differences.Add($"dimension {Dimension} vs {expected.Dimension}");
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] + "…" : fingerprint;
    static string Lower(bool value) => value ? "true" : "false";
    // JSON quoting keeps a prompt with newlines on one line.
    static string Quote(string text) => JsonSerializer.Serialize(text);

    internal JsonObject ToJson() => new()
    {
        ["kind"] = Kind,
        ["format_version"] = FormatVersion,
        ["document_count"] = DocumentCount,
        ["documents_fingerprint"] = DocumentsFingerprint,
        ["model_fingerprint"] = ModelFingerprint,
        ["pooling"] = Pooling,
        ["normalize"] = Normalize,
        ["prompt"] = Prompt,
        ["lower_case"] = LowerCase,
        ["max_length"] = MaxLength,
        ["similarity"] = Similarity.Name(),
        ["dimension"] = Dimension,
        ["embeddings_xxh128"] = EmbeddingsXxh128,
        ["created_at"] = CreatedAt.ToString("o", CultureInfo.InvariantCulture),
        ["rqa_version"] = RqaVersion,
    };

    /// <summary>Parses a manifest of <see cref="CurrentFormatVersion"/>; every missing or mistyped field is an <see cref="RqaException"/>.</summary>
    internal static VectorIndexManifest FromJson(JsonObject json, string path)
    {
        string Text(string field) => JsonFile.String(json[field], path, field) ?? throw Missing(path, field);
        int Int(string field)
        {
            var value = JsonFile.Integer(json[field], path, field) ?? throw Missing(path, field);
            return value is >= 0 and <= int.MaxValue ? (int)value : throw new RqaException($"{path}: field '{field}' is out of range ({value})");
        }
        bool Flag(string field) => JsonFile.Bool(json[field], path, field) ?? throw Missing(path, field);

        var created = Text("created_at");
        var checksum = JsonFile.String(json["embeddings_xxh128"], path, "embeddings_xxh128");
        if (checksum is not null && (checksum.Length != 32 || !checksum.All(char.IsAsciiHexDigitLower)))
            throw new RqaException($"{path}: field 'embeddings_xxh128' is not 32 lowercase hex digits ('{checksum}')");
        return new VectorIndexManifest
        {
            FormatVersion = Int("format_version"),
            DocumentCount = Int("document_count"),
            DocumentsFingerprint = Text("documents_fingerprint"),
            ModelFingerprint = Text("model_fingerprint"),
            Pooling = Text("pooling"),
            Normalize = Flag("normalize"),
            Prompt = Text("prompt"),
            LowerCase = Flag("lower_case"),
            MaxLength = Int("max_length"),
            Similarity = Similarities.Parse(Text("similarity"), $"{path}: field 'similarity'"),
            Dimension = Int("dimension"),
            EmbeddingsXxh128 = checksum,
            CreatedAt = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? at : throw new RqaException($"{path}: field 'created_at' is not a date ('{created}')"),
            RqaVersion = Text("rqa_version"),
        };
    }

    static RqaException Missing(string path, string field) => new($"{path}: field '{field}' is missing");
}
