using System.Text.Json;

namespace LocalRqa.Tokenization;

/// <summary>
/// The transformers-side settings of a model folder: tokenizer_config.json, with special_tokens_map.json taking
/// precedence for special tokens as in from_pretrained, and the legacy added_tokens.json. All files are optional.
/// </summary>
internal sealed class TokenizerConfig
{
    // Each value remembers its file, so an error names special_tokens_map.json when the value came from there.
    private readonly Dictionary<string, (JsonElement Value, string File)> values = new(StringComparer.Ordinal);
    private readonly string folder;

    public string ConfigPath { get; }

    private TokenizerConfig(string folder)
    {
        this.folder = folder;
        ConfigPath = Path.Combine(folder, "tokenizer_config.json");
    }

    public static TokenizerConfig Load(string folder)
    {
        var config = new TokenizerConfig(folder);
        config.Merge(config.ConfigPath);
        config.Merge(Path.Combine(folder, "special_tokens_map.json"));
        return config;
    }

    public bool Has(string name) => values.ContainsKey(name);

    public bool? GetBool(string name)
    {
        if (!values.TryGetValue(name, out var e) || e.Value.ValueKind == JsonValueKind.Null) return null;
        if (e.Value.ValueKind is JsonValueKind.True or JsonValueKind.False) return e.Value.GetBoolean();
        throw JsonFields.WrongKind(e.File, name, "true, false or null", e.Value);
    }

    /// <summary>A special token given as a string or as an AddedToken object {"content": ...}.</summary>
    public string? GetToken(string name) => values.TryGetValue(name, out var e) ? TokenContent(e.Value, e.File, name) : null;

    public IReadOnlyList<string> GetTokenList(string name)
    {
        if (!values.TryGetValue(name, out var e) || e.Value.ValueKind == JsonValueKind.Null) return [];
        return JsonFields.AsList(e.Value, e.File, name).Select((t, i) => TokenContent(t, e.File, $"{name}[{i}]")).OfType<string>().ToList();
    }

    /// <summary>
    /// HF writes a huge placeholder when a model has no limit (int(1e30) = 1000000000000000019884624838656, or
    /// 1e30 itself); only a plausible value counts, and one too large even for a double is "no limit" as well.
    /// </summary>
    public int? ModelMaxLength
    {
        get
        {
            if (!values.TryGetValue("model_max_length", out var e) || e.Value.ValueKind == JsonValueKind.Null) return null;
            if (e.Value.ValueKind != JsonValueKind.Number) throw JsonFields.WrongKind(e.File, "model_max_length", "a number", e.Value);
            // TryGetDouble fails only when the number overflows a double.
            if (!e.Value.TryGetDouble(out double value)) return null;
            return value is >= 1 and < 1e6 ? (int)value : null;
        }
    }

    /// <summary>tokenizer_config.json "added_tokens_decoder": id → AddedToken, as transformers 4.34+ saves it.</summary>
    public IReadOnlyList<AddedToken> AddedTokensDecoder()
    {
        if (!values.TryGetValue("added_tokens_decoder", out var e) || e.Value.ValueKind == JsonValueKind.Null) return [];
        var tokens = new List<AddedToken>();
        foreach (var entry in JsonFields.Object(e.Value, e.File, "added_tokens_decoder").EnumerateObject())
        {
            string where = $"added_tokens_decoder['{entry.Name}']";
            if (!int.TryParse(entry.Name, out int id)) throw new RqaException($"{e.File}: {where}: the key must be an integer id");
            tokens.Add(JsonFields.ReadAddedToken(JsonFields.Object(entry.Value, e.File, where), id, e.File, where));
        }
        return tokens;
    }

    /// <summary>
    /// The legacy added_tokens.json ({"token": id, ...}) that transformers before 4.34 saved next to vocab.txt, in
    /// file order; empty when the folder has none.
    /// </summary>
    public IReadOnlyList<(string Token, int Id)> AddedTokensFile()
    {
        string path = Path.Combine(folder, "added_tokens.json");
        if (!File.Exists(path)) return [];
        using var doc = JsonFields.Parse(path);
        return JsonFields.Object(doc.RootElement, path, "the file").EnumerateObject()
            .Select(p => (p.Name, JsonFields.AsInt(p.Value, path, $"'{p.Name}'"))).ToList();
    }

    private static string? TokenContent(JsonElement v, string file, string name) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Object => JsonFields.RequiredString(v, "content", file, name),
        _ => throw JsonFields.WrongKind(file, name, "a token string or an object with 'content'", v),
    };

    private void Merge(string path)
    {
        if (!File.Exists(path)) return;
        using var doc = JsonFields.Parse(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new RqaException($"{path}: expected a JSON object");
        foreach (var p in doc.RootElement.EnumerateObject()) values[p.Name] = (p.Value.Clone(), path);
    }
}
