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
        foreach (var (t, i) in JsonFields.AsList(tokens, _file, "added_tokens").Select((t, i) => (t, i)))
        {
            string where = $"added_tokens[{i}]";
            list.Add(JsonFields.ReadAddedToken(t, JsonFields.RequiredInt(t, "id", _file, where), _file, where));
        }
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
        JsonFields.Object(m, _file, "model");
        // Older files omit the model type; tokenizers then guesses from the fields, and only WordPiece has this one.
        string type = JsonFields.OptionalString(m, "type", _file, "model")
            ?? (m.TryGetProperty("continuing_subword_prefix", out _) && !m.TryGetProperty("merges", out _) ? "WordPiece" : "?");
        switch (type)
        {
            case "WordPiece":
                var vocab = JsonFields.Required(m, "vocab", _file, "model");
                if (vocab.ValueKind != JsonValueKind.Object)
                    throw JsonFields.WrongKind(_file, "model.vocab", "an object of token: id", vocab);
                var dict = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var e in vocab.EnumerateObject()) dict[e.Name] = JsonFields.AsInt(e.Value, _file, $"model.vocab['{e.Name}']");
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
        if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[1].ValueKind == JsonValueKind.Number && pair[1].TryGetInt32(out int id)) return id;
        throw new RqaException($"{_file}: {where}.{name} must be [token, id]");
    }

    private TemplatePostProcessor ReadTemplate(JsonElement p, string where, Func<string, int?> tokenId)
    {
        var specials = JsonFields.TryGet(p, "special_tokens", _file, where) is { } sp
            ? JsonFields.Object(sp, _file, $"{where}.special_tokens") : (JsonElement?)null;
        var pieces = new List<TemplatePiece>();
        foreach (var (item, i) in List(p, "single", where).Select((e, i) => (e, i)))
        {
            string at = $"{where}.single[{i}]";
            if (JsonFields.TryGet(item, "Sequence", _file, at) is { } seq)
            {
                pieces.Add(TemplatePiece.Sequence(JsonFields.OptionalInt(seq, "type_id", _file, $"{at}.Sequence") ?? 0));
            }
            else if (JsonFields.TryGet(item, "SpecialToken", _file, at) is { } special)
            {
                string name = JsonFields.RequiredString(special, "id", _file, $"{at}.SpecialToken");
                int typeId = JsonFields.OptionalInt(special, "type_id", _file, $"{at}.SpecialToken") ?? 0;
                int[] ids;
                if (specials is { } s && s.TryGetProperty(name, out var entry))
                {
                    string entryAt = $"{where}.special_tokens['{name}']";
                    ids = List(entry, "ids", entryAt).Select((e, k) => JsonFields.AsInt(e, _file, $"{entryAt}.ids[{k}]")).ToArray();
                }
                else
                {
                    ids = [tokenId(name) ?? throw new RqaException($"{_file}: {at} special token '{name}' has no id")];
                }
                pieces.Add(new TemplatePiece(ids, typeId));
            }
            else
            {
                throw new RqaException($"{_file}: {at} must be a Sequence or SpecialToken object");
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

    private List<JsonElement> List(JsonElement e, string name, string where) =>
        JsonFields.AsList(JsonFields.Required(e, name, _file, where), _file, $"{where}.{name}");

    private JsonElement? Optional(JsonElement obj, string name) => JsonFields.TryGet(obj, name, _file, "tokenizer");

    private RqaException Unsupported(string kind, string type) => new($"{_file}: unsupported {kind} type {type}");
}
