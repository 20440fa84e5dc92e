using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalRqa.Tokenization.Decoders;
using LocalRqa.Tokenization.Models;
using LocalRqa.Tokenization.Normalizers;
using LocalRqa.Tokenization.PostProcessors;
using LocalRqa.Tokenization.PreTokenizers;

namespace LocalRqa.Tokenization;

/// <summary>
/// Builds a <see cref="PipelineTokenizer"/> from a HuggingFace tokenizers tokenizer.json. Each component kind has one
/// switch on its "type"; a new component is one class and one case, and its name joins the list that an unsupported
/// type's error prints.
/// </summary>
internal sealed class TokenizerJsonReader
{
    private readonly string file;

    private TokenizerJsonReader(string file) => this.file = file;

    public static PipelineTokenizer Read(string path, TokenizerConfig config)
    {
        var reader = new TokenizerJsonReader(path);
        using var doc = JsonFields.Parse(path);
        return reader.Build(doc.RootElement, config);
    }

    private PipelineTokenizer Build(JsonElement root, TokenizerConfig config)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new RqaException($"{file}: expected a JSON object");
        var addedTokens = ReadAddedTokens(root);
        var normalizer = Optional(root, "normalizer") is { } n ? ReadNormalizer(n, "normalizer") : null;
        var preTokenizer = Optional(root, "pre_tokenizer") is { } p ? ReadPreTokenizer(p, "pre_tokenizer") : null;
        var model = ReadModel(JsonFields.Required(root, "model", file, "tokenizer"));
        int? TokenId(string token) => addedTokens.FirstOrDefault(t => t.Content == token)?.Id ?? model.TokenToId(token);
        var postProcessor = Optional(root, "post_processor") is { } pp ? ReadPostProcessor(pp, "post_processor", TokenId) : null;
        postProcessor = LlamaTemplate(config, TokenId) ?? postProcessor;
        var truncation = Optional(root, "truncation") is { } t ? ReadTruncation(t) : null;
        var decoder = Optional(root, "decoder") is { } d ? ReadDecoder(d, "decoder") : null;

        return new PipelineTokenizer(model, normalizer, preTokenizer, postProcessor, addedTokens, truncation,
            ResolvePadId(root, config, TokenId), config.ModelMaxLength, decoder);
    }

    private static readonly string[] LlamaClasses =
        ["LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast", "GemmaTokenizer", "GemmaTokenizerFast"];

    /// <summary>
    /// transformers' LlamaTokenizerFast (and CodeLlama, Gemma) rebuilds the post-processor from tokenizer_config.json's
    /// add_bos_token (default true) and add_eos_token (default false) when it loads; other classes keep the file's.
    /// </summary>
    private IPostProcessor? LlamaTemplate(TokenizerConfig config, Func<string, int?> tokenId)
    {
        if (config.GetToken("tokenizer_class") is not { } cls || !LlamaClasses.Contains(cls)) return null;
        var pieces = new List<TemplatePiece>();
        if (config.GetBool("add_bos_token") ?? true) pieces.Add(TemplatePiece.Special(SpecialId(config, "bos_token", tokenId)));
        pieces.Add(TemplatePiece.Sequence());
        if (config.GetBool("add_eos_token") ?? false) pieces.Add(TemplatePiece.Special(SpecialId(config, "eos_token", tokenId)));
        return new TemplatePostProcessor(pieces);
    }

    private int SpecialId(TokenizerConfig config, string name, Func<string, int?> tokenId)
    {
        string token = config.GetToken(name) ?? throw new RqaException($"{config.ConfigPath}: add_{name} is set but {name} is missing");
        return tokenId(token) ?? throw new RqaException($"{config.ConfigPath}: {name} '{token}' is not in {file}");
    }

    // Pad id: the folder's pad_token, else tokenizer.json's padding, else eos (what causal-LM fine-tuning pads with), else 0.
    private int ResolvePadId(JsonElement root, TokenizerConfig config, Func<string, int?> tokenId)
    {
        if (config.GetToken("pad_token") is { } pad)
            return tokenId(pad) ?? throw new RqaException($"{config.ConfigPath}: pad_token '{pad}' is not in {file}");
        if (Optional(root, "padding") is { } padding && JsonFields.OptionalInt(padding, "pad_id", file, "padding") is int padId)
            return padId;
        if (config.GetToken("eos_token") is { } eos && tokenId(eos) is int eosId) return eosId;
        return 0;
    }

    private List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var list = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } tokens) return list;
        foreach (var (t, i) in JsonFields.AsList(tokens, file, "added_tokens").Select((t, i) => (t, i)))
        {
            string where = $"added_tokens[{i}]";
            list.Add(JsonFields.ReadAddedToken(t, JsonFields.RequiredInt(t, "id", file, where), file, where));
        }
        return list;
    }

    private INormalizer ReadNormalizer(JsonElement n, string where) => TypeOf(n, where) switch
    {
        "BertNormalizer" => new BertNormalizer(
            JsonFields.OptionalBool(n, "clean_text", file, where) ?? true,
            JsonFields.OptionalBool(n, "handle_chinese_chars", file, where) ?? true,
            JsonFields.OptionalBool(n, "strip_accents", file, where),
            JsonFields.OptionalBool(n, "lowercase", file, where) ?? true),
        "Lowercase" => new LowercaseNormalizer(),
        "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
        "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
        "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
        "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
        "StripAccents" => new StripAccentsNormalizer(),
        "Strip" => new StripNormalizer(
            JsonFields.OptionalBool(n, "strip_left", file, where) ?? true,
            JsonFields.OptionalBool(n, "strip_right", file, where) ?? true),
        "Replace" => ReadReplace(n, where),
        "Prepend" => new PrependNormalizer(JsonFields.RequiredString(n, "prepend", file, where)),
        "Precompiled" => ReadPrecompiled(n, where),
        "Sequence" => new SequenceNormalizer(List(n, "normalizers", where).Select((e, i) => ReadNormalizer(e, $"{where}.normalizers[{i}]")).ToList()),
        var other => throw Unsupported("normalizer", other, NormalizerTypes),
    };

    private static readonly string[] NormalizerTypes =
        ["BertNormalizer", "Lowercase", "NFD", "NFC", "NFKD", "NFKC", "StripAccents", "Strip", "Replace", "Prepend", "Precompiled", "Sequence"];

    private INormalizer ReadReplace(JsonElement n, string where)
    {
        string content = JsonFields.RequiredString(n, "content", file, where);
        var (literal, regex) = ReadPattern(n, where);
        return regex is null ? new ReplaceNormalizer(literal!, content) : new RegexReplaceNormalizer(regex, content);
    }

    // A sentencepiece model without normalization rules is converted with an empty or null charsmap: nothing to do.
    private INormalizer ReadPrecompiled(JsonElement n, string where)
    {
        string? charsmap = JsonFields.OptionalString(n, "precompiled_charsmap", file, where);
        if (string.IsNullOrEmpty(charsmap)) return new SequenceNormalizer([]);
        return PrecompiledNormalizer.FromBase64(charsmap, $"{file}: {where}.precompiled_charsmap");
    }

    private IPreTokenizer ReadPreTokenizer(JsonElement p, string where) => TypeOf(p, where) switch
    {
        "BertPreTokenizer" => new BertPreTokenizer(),
        "Whitespace" => new WhitespacePreTokenizer(),
        "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
        "Punctuation" => new PunctuationPreTokenizer(ReadBehavior(p, where) ?? SplitBehavior.Isolated),
        "Metaspace" => new MetaspacePreTokenizer(ReadReplacement(p, where), ReadPrependScheme(p, where),
            JsonFields.OptionalBool(p, "split", file, where) ?? true),
        "ByteLevel" => new ByteLevelPreTokenizer(
            JsonFields.OptionalBool(p, "add_prefix_space", file, where) ?? true,
            JsonFields.OptionalBool(p, "use_regex", file, where) ?? true),
        "Split" => ReadSplit(p, where),
        "Digits" => new DigitsPreTokenizer(JsonFields.OptionalBool(p, "individual_digits", file, where) ?? false),
        "Sequence" => new SequencePreTokenizer(List(p, "pretokenizers", where).Select((e, i) => ReadPreTokenizer(e, $"{where}.pretokenizers[{i}]")).ToList()),
        var other => throw Unsupported("pre_tokenizer", other, PreTokenizerTypes),
    };

    private static readonly string[] PreTokenizerTypes =
        ["BertPreTokenizer", "Whitespace", "WhitespaceSplit", "Punctuation", "Metaspace", "ByteLevel", "Split", "Digits", "Sequence"];

    private SplitPreTokenizer ReadSplit(JsonElement p, string where)
    {
        var behavior = ReadBehavior(p, where) ?? throw new RqaException($"{file}: {where}.behavior is missing");
        bool invert = JsonFields.OptionalBool(p, "invert", file, where) ?? false;
        var (literal, regex) = ReadPattern(p, where);
        return regex is null ? SplitPreTokenizer.Literal(literal!, behavior, invert) : new SplitPreTokenizer(regex, behavior, invert);
    }

    private char ReadReplacement(JsonElement p, string where)
    {
        string replacement = JsonFields.OptionalString(p, "replacement", file, where) ?? "▁";
        if (replacement.Length != 1) throw new RqaException($"{file}: {where}.replacement must be one character, not '{replacement}'");
        return replacement[0];
    }

    // prepend_scheme since tokenizers 0.14; older files only have add_prefix_space (true = always, false = never).
    private MetaspacePrependScheme ReadPrependScheme(JsonElement p, string where) =>
        JsonFields.OptionalString(p, "prepend_scheme", file, where) switch
        {
            "always" => MetaspacePrependScheme.Always,
            "first" => MetaspacePrependScheme.First,
            "never" => MetaspacePrependScheme.Never,
            null => JsonFields.OptionalBool(p, "add_prefix_space", file, where) ?? true ? MetaspacePrependScheme.Always : MetaspacePrependScheme.Never,
            var other => throw new RqaException($"{file}: {where}.prepend_scheme '{other}' is not one of always, first, never"),
        };

    private ITokenizerModel ReadModel(JsonElement m)
    {
        JsonFields.Object(m, file, "model");
        // Older files omit the model type; tokenizers then guesses from the fields, and only WordPiece has this one.
        string type = JsonFields.OptionalString(m, "type", file, "model")
            ?? (m.TryGetProperty("continuing_subword_prefix", out _) && !m.TryGetProperty("merges", out _) ? "WordPiece" : "?");
        switch (type)
        {
            case "WordPiece":
                var vocab = JsonFields.Required(m, "vocab", file, "model");
                if (vocab.ValueKind != JsonValueKind.Object)
                    throw JsonFields.WrongKind(file, "model.vocab", "an object of token: id", vocab);
                var dict = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var e in vocab.EnumerateObject()) dict[e.Name] = JsonFields.AsInt(e.Value, file, $"model.vocab['{e.Name}']");
                return new WordPieceModel(dict,
                    JsonFields.OptionalString(m, "unk_token", file, "model") ?? "[UNK]",
                    JsonFields.OptionalString(m, "continuing_subword_prefix", file, "model") ?? "##",
                    JsonFields.OptionalInt(m, "max_input_chars_per_word", file, "model") ?? 100);
            case "Unigram":
                return ReadUnigram(m);
            case "BPE":
                return ReadBpe(m);
            default:
                throw new RqaException($"{file}: unsupported tokenizer model type {type} (supported: WordPiece, Unigram, BPE)");
        }
    }

    private UnigramModel ReadUnigram(JsonElement m)
    {
        var pieces = new List<(string, double)>();
        foreach (var (entry, i) in List(m, "vocab", "model").Select((e, i) => (e, i)))
        {
            string at = $"model.vocab[{i}]";
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2)
                throw JsonFields.WrongKind(file, at, "a [piece, score] pair", entry);
            if (entry[1].ValueKind != JsonValueKind.Number || !entry[1].TryGetDouble(out double score) || !double.IsFinite(score))
                throw JsonFields.WrongKind(file, $"{at}[1]", "a finite number", entry[1]);
            pieces.Add((JsonFields.AsString(entry[0], file, $"{at}[0]"), score));
        }
        int? unkId = JsonFields.OptionalInt(m, "unk_id", file, "model");
        if (pieces.Count == 0) throw new RqaException($"{file}: model.vocab is empty");
        if (unkId is int u && (u < 0 || u >= pieces.Count))
            throw new RqaException($"{file}: model.unk_id {u} is outside model.vocab ({pieces.Count} pieces)");
        return new UnigramModel(pieces, unkId, JsonFields.OptionalBool(m, "byte_fallback", file, "model") ?? false);
    }

    private BpeModel ReadBpe(JsonElement m)
    {
        var vocabElement = JsonFields.Required(m, "vocab", file, "model");
        if (vocabElement.ValueKind != JsonValueKind.Object)
            throw JsonFields.WrongKind(file, "model.vocab", "an object of token: id", vocabElement);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in vocabElement.EnumerateObject()) vocab[e.Name] = JsonFields.AsInt(e.Value, file, $"model.vocab['{e.Name}']");

        // Merges are "left right" strings (tokenizers before 0.20) or [left, right] pairs.
        var merges = new List<(string, string)>();
        var mergeList = JsonFields.TryGet(m, "merges", file, "model") is { } ml ? JsonFields.AsList(ml, file, "model.merges") : [];
        foreach (var (entry, i) in mergeList.Select((e, i) => (e, i)))
        {
            string at = $"model.merges[{i}]";
            (string, string) pair;
            if (entry.ValueKind == JsonValueKind.String)
            {
                var parts = entry.GetString()!.Split(' ');
                if (parts.Length != 2) throw new RqaException($"{file}: {at} must be two tokens separated by one space, not '{entry.GetString()}'");
                pair = (parts[0], parts[1]);
            }
            else if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() == 2)
            {
                pair = (JsonFields.AsString(entry[0], file, $"{at}[0]"), JsonFields.AsString(entry[1], file, $"{at}[1]"));
            }
            else
            {
                throw JsonFields.WrongKind(file, at, "a \"left right\" string or a [left, right] pair", entry);
            }
            foreach (var token in new[] { pair.Item1, pair.Item2 })
            {
                if (!vocab.ContainsKey(token)) throw new RqaException($"{file}: {at}: '{token}' is not in model.vocab");
            }
            merges.Add(pair);
        }
        if (JsonFields.TryGet(m, "dropout", file, "model") is { } dropout
            && (dropout.ValueKind != JsonValueKind.Number || !dropout.TryGetDouble(out double rate) || rate != 0))
            throw new RqaException($"{file}: model.dropout must be null: BPE dropout is for training and would make ids random");
        var options = new BpeOptions
        {
            UnkToken = JsonFields.OptionalString(m, "unk_token", file, "model"),
            ContinuingSubwordPrefix = JsonFields.OptionalString(m, "continuing_subword_prefix", file, "model"),
            EndOfWordSuffix = JsonFields.OptionalString(m, "end_of_word_suffix", file, "model"),
            FuseUnk = JsonFields.OptionalBool(m, "fuse_unk", file, "model") ?? false,
            ByteFallback = JsonFields.OptionalBool(m, "byte_fallback", file, "model") ?? false,
            IgnoreMerges = JsonFields.OptionalBool(m, "ignore_merges", file, "model") ?? false,
        };
        if (options.UnkToken is { } unk && !vocab.ContainsKey(unk))
            throw new RqaException($"{file}: model.unk_token '{unk}' is not in model.vocab");
        try
        {
            return new BpeModel(vocab, merges, options);
        }
        catch (RqaException e)
        {
            // The merged token of a pair is missing from the vocabulary.
            throw new RqaException($"{file}: model.{e.Message}", e);
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
            case "ByteLevel":
                return PassThroughPostProcessor.Instance;
            case "Sequence":
                return new SequencePostProcessor(List(p, "processors", where)
                    .Select((e, i) => ReadPostProcessor(e, $"{where}.processors[{i}]", tokenId)).ToList());
            default:
                throw Unsupported("post_processor", TypeOf(p, where), PostProcessorTypes);
        }
    }

    private static readonly string[] PostProcessorTypes = ["BertProcessing", "RobertaProcessing", "TemplateProcessing", "ByteLevel", "Sequence"];

    private ITokenDecoder ReadDecoder(JsonElement d, string where) => TypeOf(d, where) switch
    {
        "ByteLevel" => new ByteLevelDecoder(),
        "Metaspace" => new MetaspaceDecoder(ReadReplacement(d, where), ReadPrependScheme(d, where)),
        "ByteFallback" => new ByteFallbackDecoder(),
        "Fuse" => new FuseDecoder(),
        "Strip" => new StripDecoder(ReadReplacementLike(d, "content", where),
            JsonFields.OptionalInt(d, "start", file, where) ?? 0, JsonFields.OptionalInt(d, "stop", file, where) ?? 0),
        "Replace" => new ReplaceDecoder(ReadReplace(d, where)),
        "WordPiece" => new WordPieceDecoder(JsonFields.OptionalString(d, "prefix", file, where) ?? "##",
            JsonFields.OptionalBool(d, "cleanup", file, where) ?? true),
        "Sequence" => new SequenceDecoder(List(d, "decoders", where).Select((e, i) => ReadDecoder(e, $"{where}.decoders[{i}]")).ToList()),
        var other => throw Unsupported("decoder", other, DecoderTypes),
    };

    private static readonly string[] DecoderTypes = ["ByteLevel", "Metaspace", "ByteFallback", "Fuse", "Strip", "Replace", "WordPiece", "Sequence"];

    private char ReadReplacementLike(JsonElement d, string name, string where)
    {
        string content = JsonFields.RequiredString(d, name, file, where);
        if (content.Length != 1) throw new RqaException($"{file}: {where}.{name} must be one character, not '{content}'");
        return content[0];
    }

    private int SpecialPair(JsonElement p, string name, string where)
    {
        var pair = JsonFields.Required(p, name, file, where);
        if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[1].ValueKind == JsonValueKind.Number && pair[1].TryGetInt32(out int id)) return id;
        throw new RqaException($"{file}: {where}.{name} must be [token, id]");
    }

    private TemplatePostProcessor ReadTemplate(JsonElement p, string where, Func<string, int?> tokenId)
    {
        var specials = JsonFields.TryGet(p, "special_tokens", file, where) is { } sp
            ? JsonFields.Object(sp, file, $"{where}.special_tokens") : (JsonElement?)null;
        var pieces = new List<TemplatePiece>();
        foreach (var (item, i) in List(p, "single", where).Select((e, i) => (e, i)))
        {
            string at = $"{where}.single[{i}]";
            if (JsonFields.TryGet(item, "Sequence", file, at) is { } seq)
            {
                pieces.Add(TemplatePiece.Sequence(JsonFields.OptionalInt(seq, "type_id", file, $"{at}.Sequence") ?? 0));
            }
            else if (JsonFields.TryGet(item, "SpecialToken", file, at) is { } special)
            {
                string name = JsonFields.RequiredString(special, "id", file, $"{at}.SpecialToken");
                int typeId = JsonFields.OptionalInt(special, "type_id", file, $"{at}.SpecialToken") ?? 0;
                int[] ids;
                if (specials is { } s && s.TryGetProperty(name, out var entry))
                {
                    string entryAt = $"{where}.special_tokens['{name}']";
                    ids = List(entry, "ids", entryAt).Select((e, k) => JsonFields.AsInt(e, file, $"{entryAt}.ids[{k}]")).ToArray();
                }
                else
                {
                    ids = [tokenId(name) ?? throw new RqaException($"{file}: {at} special token '{name}' has no id")];
                }
                pieces.Add(new TemplatePiece(ids, typeId));
            }
            else
            {
                throw new RqaException($"{file}: {at} must be a Sequence or SpecialToken object");
            }
        }
        return new TemplatePostProcessor(pieces);
    }

    private TruncationSettings ReadTruncation(JsonElement t)
    {
        int max = JsonFields.RequiredInt(t, "max_length", file, "truncation");
        string? direction = JsonFields.OptionalString(t, "direction", file, "truncation");
        return new TruncationSettings(max, string.Equals(direction, "Left", StringComparison.OrdinalIgnoreCase));
    }

    private SplitBehavior? ReadBehavior(JsonElement p, string where) => JsonFields.OptionalString(p, "behavior", file, where) switch
    {
        null => null,
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        var other => throw new RqaException($"{file}: {where}.behavior '{other}' is not a known split behavior"),
    };

    /// <summary>
    /// A {"String": text} or {"Regex": pattern} object. Regex patterns are Oniguruma syntax in tokenizers; the ones
    /// real files use mean the same in .NET (see <see cref="SplitPreTokenizer"/> for the one known difference).
    /// </summary>
    private (string? Literal, Regex? Regex) ReadPattern(JsonElement n, string where)
    {
        var pattern = JsonFields.Object(JsonFields.Required(n, "pattern", file, where), file, $"{where}.pattern");
        if (JsonFields.TryGet(pattern, "String", file, $"{where}.pattern") is { } s)
            return (JsonFields.AsString(s, file, $"{where}.pattern.String"), null);
        if (JsonFields.TryGet(pattern, "Regex", file, $"{where}.pattern") is { } r)
        {
            string source = JsonFields.AsString(r, file, $"{where}.pattern.Regex");
            try
            {
                return (null, new Regex(source, RegexOptions.CultureInvariant | RegexOptions.Compiled));
            }
            catch (ArgumentException e)
            {
                throw new RqaException($"{file}: {where}.pattern.Regex is not a regex .NET understands ({e.Message})");
            }
        }
        throw new RqaException($"{file}: {where}.pattern must have a String or a Regex field");
    }

    private string TypeOf(JsonElement e, string where) => JsonFields.RequiredString(e, "type", file, where);

    private List<JsonElement> List(JsonElement e, string name, string where) =>
        JsonFields.AsList(JsonFields.Required(e, name, file, where), file, $"{where}.{name}");

    private JsonElement? Optional(JsonElement obj, string name) => JsonFields.TryGet(obj, name, file, "tokenizer");

    private RqaException Unsupported(string kind, string type, IEnumerable<string> supported) =>
        new($"{file}: unsupported {kind} type {type} (supported: {string.Join(", ", supported)})");
}
