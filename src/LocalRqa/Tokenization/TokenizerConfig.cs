using System.Text.Json;

namespace LocalRqa.Tokenization;

/// <summary>
/// The transformers-side settings of a model folder: tokenizer_config.json, with special_tokens_map.json taking
/// precedence for special tokens as in from_pretrained. Both files are optional.
/// </summary>
internal sealed class TokenizerConfig
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    public string ConfigPath { get; }

    private TokenizerConfig(string configPath) => ConfigPath = configPath;

    public static TokenizerConfig Load(string folder)
    {
        var config = new TokenizerConfig(Path.Combine(folder, "tokenizer_config.json"));
        config.Merge(config.ConfigPath);
        config.Merge(Path.Combine(folder, "special_tokens_map.json"));
        return config;
    }

    public bool? GetBool(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        throw new RqaException($"{ConfigPath}: '{name}' must be true, false or null");
    }

    /// <summary>A special token given as a string or as an AddedToken object {"content": ...}.</summary>
    public string? GetToken(string name) => _values.TryGetValue(name, out var v) ? TokenContent(v, name) : null;

    public IReadOnlyList<string> GetTokenList(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw new RqaException($"{ConfigPath}: '{name}' must be a list");
        return v.EnumerateArray().Select(e => TokenContent(e, name)).OfType<string>().ToList();
    }

    /// <summary>HF writes a huge placeholder (1e30) when a model has no limit; only a plausible value counts.</summary>
    public int? ModelMaxLength
    {
        get
        {
            if (!_values.TryGetValue("model_max_length", out var v) || v.ValueKind != JsonValueKind.Number) return null;
            double value = v.GetDouble();
            return value is > 0 and < 1e6 ? (int)value : null;
        }
    }

    /// <summary>tokenizer_config.json "added_tokens_decoder": id → AddedToken, as transformers 4.34+ saves it.</summary>
    public IReadOnlyList<AddedToken> AddedTokensDecoder()
    {
        if (!_values.TryGetValue("added_tokens_decoder", out var v) || v.ValueKind != JsonValueKind.Object) return [];
        var tokens = new List<AddedToken>();
        foreach (var entry in v.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, out int id) || entry.Value.ValueKind != JsonValueKind.Object)
                throw new RqaException($"{ConfigPath}: added_tokens_decoder entry '{entry.Name}' is not an id with a token object");
            tokens.Add(JsonFields.ReadAddedToken(entry.Value, id, ConfigPath, "added_tokens_decoder"));
        }
        return tokens;
    }

    private string? TokenContent(JsonElement v, string name) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => throw new RqaException($"{ConfigPath}: '{name}' must be a token string or an object with 'content'"),
    };

    private void Merge(string path)
    {
        if (!File.Exists(path)) return;
        using var doc = JsonFields.Parse(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new RqaException($"{path}: expected a JSON object");
        foreach (var p in doc.RootElement.EnumerateObject()) _values[p.Name] = p.Value.Clone();
    }
}
