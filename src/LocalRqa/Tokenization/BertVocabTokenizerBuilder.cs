namespace LocalRqa.Tokenization;

/// <summary>
/// transformers' (slow) BertTokenizer from a vocab.txt, expressed as a tokenizers pipeline: BasicTokenizer becomes a
/// BertNormalizer (with the NFC step only the slow tokenizer has) plus BertPreTokenizer, then WordPiece and [CLS] $A [SEP].
/// </summary>
internal static class BertVocabTokenizerBuilder
{
    /// <summary>One token per line, id = line number; HF reads in text mode, so \r\n and \r end lines too.</summary>
    public static Dictionary<string, int> ReadVocab(TextReader reader, string source)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        while (reader.ReadLine() is { } line) vocab[line] = index++;
        if (vocab.Count == 0) throw new RqaException($"{source}: the vocabulary is empty");
        return vocab;
    }

    public static PipelineTokenizer Build(Dictionary<string, int> vocab, BertTokenizerOptions options, string source)
    {
        if (!vocab.ContainsKey(options.UnkToken))
            throw new RqaException($"{source}: unk token '{options.UnkToken}' is not in the vocabulary");
        var model = new WordPieceModel(vocab, options.UnkToken, "##", options.MaxInputCharsPerWord);

        var added = options.AddedTokens.Count > 0 ? options.AddedTokens.ToList() : SpecialTokens(vocab, options);
        int? Id(string token) => added.FirstOrDefault(t => t.Content == token)?.Id ?? model.TokenToId(token);
        int Require(string token, string role) =>
            Id(token) ?? throw new RqaException($"{source}: {role} '{token}' is neither in the vocabulary nor an added token");

        var normalizer = new BertNormalizer(
            CleanText: true, HandleChineseChars: options.TokenizeChineseChars, StripAccents: options.StripAccents,
            Lowercase: options.DoLowerCase, ComposeFirst: true);
        var post = new TemplatePostProcessor([
            TemplatePiece.Special(Require(options.ClsToken, "cls_token")),
            TemplatePiece.Sequence(),
            TemplatePiece.Special(Require(options.SepToken, "sep_token")),
        ]);
        return new PipelineTokenizer(model, normalizer, new BertPreTokenizer(), post, added,
            padTokenId: Require(options.PadToken, "pad_token"), modelMaxLength: options.ModelMaxLength);
    }

    // Special tokens missing from vocab.txt get the next free ids, as transformers adds them on load.
    private static List<AddedToken> SpecialTokens(Dictionary<string, int> vocab, BertTokenizerOptions options)
    {
        var result = new List<AddedToken>();
        int next = vocab.Values.Max() + 1;
        string[] names = [options.PadToken, options.UnkToken, options.ClsToken, options.SepToken, options.MaskToken, .. options.AdditionalSpecialTokens];
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (name.Length == 0) continue;
            int id = vocab.TryGetValue(name, out int known) ? known : next++;
            result.Add(new AddedToken(name, id));
        }
        return result;
    }
}
