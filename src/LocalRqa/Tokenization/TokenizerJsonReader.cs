using System.Text;
using System.Text.Json;

namespace LocalRqa.Tokenization;

/// <summary>
/// Builds a <see cref="PipelineTokenizer"/> from a HuggingFace tokenizers tokenizer.json. Each component kind has one
/// switch on its "type"; new components (Metaspace, ByteLevel, Unigram, BPE) are one class and one case each.
/// </summary>
internal sealed class TokenizerJsonReader
{
    private readonly string _file;

    private TokenizerJsonReader(string file) => _file = file;

    public static PipelineTokenizer Read(string path, TokenizerConfig config)
    {
        var reader = new TokenizerJsonReader(path);
        using var doc = JsonFields.Parse(path);
        return reader.Build(doc.RootElement, config);
    }

    private PipelineTokenizer Build(JsonElement root, TokenizerConfig config)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new RqaException($"{_file}: expected a JSON object");
        var addedTokens = ReadAddedTokens(root);
        var normalizer = Optional(root, "normalizer") is { } n ? ReadNormalizer(n, "normalizer") : null;
        var preTokenizer = Optional(root, "pre_tokenizer") is { } p ? ReadPreTokenizer(p, "pre_tokenizer") : null;
        var model = ReadModel(JsonFields.Required(root, "model", _file, "tokenizer"));
        int? TokenId(string token) => addedTokens.FirstOrDefault(t => t.Content == token)?.Id ?? model.TokenToId(token);
        var postProcessor = Optional(root, "post_processor") is { } pp ? ReadPostProcessor(pp, "post_processor", TokenId) : null;
        var truncation = Optional(root, "truncation") is { } t ? ReadTruncation(t) : null;

        return new PipelineTokenizer(model, normalizer, preTokenizer, postProcessor, addedTokens, truncation,
            ResolvePadId(root, config, TokenId), config.ModelMaxLength);
    }

    // Pad id: the folder's pad_token, else tokenizer.json's padding, else eos (what causal-LM fine-tuning pads with), else 0.
    private int ResolvePadId(JsonElement root, TokenizerConfig config, Func<string, int?> tokenId)
    {
        if (config.GetToken("pad_token") is { } pad)
            return tokenId(pad) ?? throw new RqaException($"{config.ConfigPath}: pad_token '{pad}' is not in {_file}");
        if (Optional(root, "padding") is { } padding && JsonFields.OptionalInt(padding, "pad_id", _file, "padding") is int padId)
            return padId;
        if (config.GetToken("eos_token") is { } eos && tokenId(eos) is int eosId) return eosId;
        return 0;
    }

    private List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var list = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } tokens) return list;
        if (tokens.ValueKind != JsonValueKind.Array) throw new RqaException($"{_file}: added_tokens must be a list");
        foreach (var t in tokens.EnumerateArray())
            list.Add(JsonFields.ReadAddedToken(t, JsonFields.RequiredInt(t, "id", _file, "added_tokens[]"), _file, "added_tokens[]"));
        return list;
    }

    private INormalizer ReadNormalizer(JsonElement n, string where) => TypeOf(n, where) switch
    {
        "BertNormalizer" => new BertNormalizer(
            JsonFields.OptionalBool(n, "clean_text", _file, where) ?? true,
            JsonFields.OptionalBool(n, "handle_chinese_chars", _file, where) ?? true,
            JsonFields.OptionalBool(n, "strip_accents", _file, where),
            JsonFields.OptionalBool(n, "lowercase", _file, where) ?? true),
        "Lowercase" => new LowercaseNormalizer(),
        "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
        "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
        "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
        "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
        "StripAccents" => new StripAccentsNormalizer(),
        "Strip" => new StripNormalizer(
            JsonFields.OptionalBool(n, "strip_left", _file, where) ?? true,
            JsonFields.OptionalBool(n, "strip_right", _file, where) ?? true),
        "Replace" => new ReplaceNormalizer(ReadStringPattern(n, where), JsonFields.RequiredString(n, "content", _file, where)),
        "Prepend" => new PrependNormalizer(JsonFields.RequiredString(n, "prepend", _file, where)),
        "Sequence" => new SequenceNormalizer(List(n, "normalizers", where).Select((e, i) => ReadNormalizer(e, $"{where}.normalizers[{i}]")).ToList()),
        var other => throw Unsupported("normalizer", other),
    };

    private IPreTokenizer ReadPreTokenizer(JsonElement p, string where) => TypeOf(p, where) switch
    {
        "BertPreTokenizer" => new BertPreTokenizer(),
        "Whitespace" => new WhitespacePreTokenizer(),
        "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
        "Punctuation" => new PunctuationPreTokenizer(ReadBehavior(p, where) ?? SplitBehavior.Isolated),
        "Sequence" => new SequencePreTokenizer(List(p, "pretokenizers", where).Select((e, i) => ReadPreTokenizer(e, $"{where}.pretokenizers[{i}]")).ToList()),
        // Metaspace (T5, Unigram) and ByteLevel (causal LMs, BPE) belong here when those models are supported.
        var other => throw Unsupported("pre_tokenizer", other),
    };

    private ITokenizerModel ReadModel(JsonElement m)
    {
        // Older files omit the model type; tokenizers then guesses from the fields, and only WordPiece has this one.
        string type = Optional(m, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString()!
            : m.TryGetProperty("continuing_subword_prefix", out _) && !m.TryGetProperty("merges", out _) ? "WordPiece" : "?";
        switch (type)
        {
            case "WordPiece":
                var vocab = JsonFields.Required(m, "vocab", _file, "model");
                if (vocab.ValueKind != JsonValueKind.Object) throw new RqaException($"{_file}: model.vocab must be an object of token: id");
                var dict = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var e in vocab.EnumerateObject())
                {
                    if (!e.Value.TryGetInt32(out int id)) throw new RqaException($"{_file}: model.vocab['{e.Name}'] must be an integer id");
                    dict[e.Name] = id;
                }
                return new WordPieceModel(dict,
                    JsonFields.OptionalString(m, "unk_token", _file, "model") ?? "[UNK]",
                    JsonFields.OptionalString(m, "continuing_subword_prefix", _file, "model") ?? "##",
                    JsonFields.OptionalInt(m, "max_input_chars_per_word", _file, "model") ?? 100);
            // Unigram and BPE implement ITokenizerModel and get their case here.
            default:
                throw new RqaException($"{_file}: unsupported tokenizer model type {type}");
        }
    }

    private IPostProcessor ReadPostProcessor(JsonElement p, string where, Func<string, int?> tokenId)
    {
        switch (TypeOf(p, where))
        {
            case "BertProcessing":
            case "RobertaProcessing":
                // [CLS]/<s> $A [SEP]/</s>; the pair form adds separators that a single sequence never uses.
                var cls = SpecialPair(p, "cls", where);
                var sep = SpecialPair(p, "sep", where);
                return new TemplatePostProcessor([TemplatePiece.Special(cls), TemplatePiece.Sequence(), TemplatePiece.Special(sep)]);
            case "TemplateProcessing":
                return ReadTemplate(p, where, tokenId);
            default:
                throw Unsupported("post_processor", TypeOf(p, where));
        }
    }

    private int SpecialPair(JsonElement p, string name, string where)
    {
        var pair = JsonFields.Required(p, name, _file, where);
        if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[1].TryGetInt32(out int id)) return id;
        throw new RqaException($"{_file}: {where}.{name} must be [token, id]");
    }

    private TemplatePostProcessor ReadTemplate(JsonElement p, string where, Func<string, int?> tokenId)
    {
        var specials = Optional(p, "special_tokens");
        var pieces = new List<TemplatePiece>();
        foreach (var item in List(p, "single", where))
        {
            if (item.TryGetProperty("Sequence", out var seq))
            {
                pieces.Add(TemplatePiece.Sequence(JsonFields.OptionalInt(seq, "type_id", _file, $"{where}.single") ?? 0));
            }
            else if (item.TryGetProperty("SpecialToken", out var special))
            {
                string name = JsonFields.RequiredString(special, "id", _file, $"{where}.single");
                int typeId = JsonFields.OptionalInt(special, "type_id", _file, $"{where}.single") ?? 0;
                int[] ids;
                if (specials is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty(name, out var entry))
                    ids = List(entry, "ids", $"{where}.special_tokens.{name}").Select(e => e.GetInt32()).ToArray();
                else
                    ids = [tokenId(name) ?? throw new RqaException($"{_file}: {where} special token '{name}' has no id")];
                pieces.Add(new TemplatePiece(ids, typeId));
            }
            else
            {
                throw new RqaException($"{_file}: {where}.single items must be Sequence or SpecialToken");
            }
        }
        return new TemplatePostProcessor(pieces);
    }

    private TruncationSettings ReadTruncation(JsonElement t)
    {
        int max = JsonFields.RequiredInt(t, "max_length", _file, "truncation");
        string? direction = JsonFields.OptionalString(t, "direction", _file, "truncation");
        return new TruncationSettings(max, string.Equals(direction, "Left", StringComparison.OrdinalIgnoreCase));
    }

    private SplitBehavior? ReadBehavior(JsonElement p, string where) => JsonFields.OptionalString(p, "behavior", _file, where) switch
    {
        null => null,
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        var other => throw new RqaException($"{_file}: {where}.behavior '{other}' is not a known split behavior"),
    };

    private string ReadStringPattern(JsonElement n, string where)
    {
        var pattern = JsonFields.Required(n, "pattern", _file, where);
        if (pattern.ValueKind == JsonValueKind.Object && pattern.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String)
            return s.GetString()!;
        // Regex patterns are Oniguruma syntax in tokenizers; .NET regex would differ silently on edge cases.
        throw new RqaException($"{_file}: {where}.pattern: only String patterns are supported");
    }

    private string TypeOf(JsonElement e, string where) => JsonFields.RequiredString(e, "type", _file, where);

    private List<JsonElement> List(JsonElement e, string name, string where)
    {
        var v = JsonFields.Required(e, name, _file, where);
        if (v.ValueKind != JsonValueKind.Array) throw new RqaException($"{_file}: {where}.{name} must be a list");
        return v.EnumerateArray().ToList();
    }

    private static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private RqaException Unsupported(string kind, string type) => new($"{_file}: unsupported {kind} type {type}");
}
