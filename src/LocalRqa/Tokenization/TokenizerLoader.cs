using LocalRqa.Files;

namespace LocalRqa.Tokenization;

/// <summary>Loads the tokenizer of a HuggingFace model folder.</summary>
internal static class TokenizerLoader
{
    /// <summary>tokenizer.json when the folder has one (the fast tokenizer transformers would pick), else vocab.txt.</summary>
    public static ITextTokenizer FromFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new RqaException($"{folder}: tokenizer folder does not exist");
        string json = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(json)) return FromTokenizerJson(json);
        string vocab = Path.Combine(folder, "vocab.txt");
        if (File.Exists(vocab)) return FromVocabFile(vocab);
        throw new RqaException($"{folder}: neither tokenizer.json nor vocab.txt found");
    }

    /// <summary>A tokenizers-library tokenizer.json; tokenizer_config.json next to it supplies pad token and model_max_length.</summary>
    public static ITextTokenizer FromTokenizerJson(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        var config = TokenizerConfig.Load(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return TokenizerJsonReader.Read(path, config);
    }

    /// <summary>transformers' BertTokenizer: vocab.txt with tokenizer_config.json / special_tokens_map.json from its folder.</summary>
    public static ITextTokenizer FromVocabFile(string vocabPath)
    {
        if (!File.Exists(vocabPath)) throw new RqaException($"{vocabPath}: file not found");
        var config = TokenizerConfig.Load(Path.GetDirectoryName(Path.GetFullPath(vocabPath))!);
        var defaults = new BertTokenizerOptions();
        var options = new BertTokenizerOptions
        {
            DoLowerCase = config.GetBool("do_lower_case") ?? defaults.DoLowerCase,
            StripAccents = config.GetBool("strip_accents"),
            TokenizeChineseChars = config.GetBool("tokenize_chinese_chars") ?? defaults.TokenizeChineseChars,
            UnkToken = config.GetToken("unk_token") ?? defaults.UnkToken,
            ClsToken = config.GetToken("cls_token") ?? defaults.ClsToken,
            SepToken = config.GetToken("sep_token") ?? defaults.SepToken,
            PadToken = config.GetToken("pad_token") ?? defaults.PadToken,
            MaskToken = config.GetToken("mask_token") ?? defaults.MaskToken,
            AdditionalSpecialTokens = config.GetTokenList("additional_special_tokens"),
            AddedTokens = config.AddedTokensDecoder(),
            // transformers reads added_tokens.json only when tokenizer_config.json has no added_tokens_decoder.
            LegacyAddedTokens = config.Has("added_tokens_decoder") ? [] : config.AddedTokensFile(),
            ModelMaxLength = config.ModelMaxLength,
        };
        Dictionary<string, int> vocab;
        try
        {
            using var reader = new StringReader(Utf8TextFile.ReadAllText(vocabPath));
            vocab = BertVocabTokenizerBuilder.ReadVocab(reader, vocabPath);
        }
        catch (IOException e)
        {
            throw new RqaException($"{vocabPath}: cannot be read ({e.Message})", e);
        }
        return BertVocabTokenizerBuilder.Build(vocab, options, vocabPath);
    }

    /// <summary>A BertTokenizer from vocab.txt lines in a stream (e.g. an embedded resource), with explicit settings.</summary>
    public static ITextTokenizer FromVocab(Stream vocab, BertTokenizerOptions options, string sourceName = "vocab.txt")
    {
        using var reader = new StreamReader(vocab, leaveOpen: true);
        return BertVocabTokenizerBuilder.Build(BertVocabTokenizerBuilder.ReadVocab(reader, sourceName), options, sourceName);
    }
}
