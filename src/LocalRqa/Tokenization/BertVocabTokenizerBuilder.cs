using LocalRqa.Tokenization.Models;
using LocalRqa.Tokenization.Normalizers;
using LocalRqa.Tokenization.PostProcessors;
using LocalRqa.Tokenization.PreTokenizers;

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
        string[] names = [options.PadToken, options.UnkToken, options.ClsToken, options.SepToken, options.MaskToken, .. options.AdditionalSpecialTokens];
        var specialNames = names.Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        var result = LegacyAddedTokens(options.LegacyAddedTokens, specialNames);
        var taken = result.Select(t => t.Content).ToHashSet(StringComparer.Ordinal);
        int next = Math.Max(vocab.Values.Max(), result.Count == 0 ? -1 : result.Max(t => t.Id)) + 1;
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (name.Length == 0 || !taken.Add(name)) continue;
            int id = vocab.TryGetValue(name, out int known) ? known : next++;
            result.Add(new AddedToken(name, id));
        }
        return result;
    }

    // transformers' from_pretrained turns added_tokens.json into AddedToken(token, lstrip=False, rstrip=False,
    // special=token in the special tokens, normalized=not special). Added tokens are cut out of the text before
    // WordPiece and never split. A normalized one is matched in normalized text, as BertTokenizerFast (what
    // AutoTokenizer picks) does: lower-cased and accent-stripped when the model is uncased. The slow BertTokenizer
    // instead lower-cases the text around it and matches the stored content exactly, so the two agree whenever the
    // content is already in normalized form (e.g. lower case for an uncased model), which is what add_tokens saves
    // for uncased models.
    private static List<AddedToken> LegacyAddedTokens(IReadOnlyList<(string Token, int Id)> entries, HashSet<string> specialNames) =>
        entries.Select(e => specialNames.Contains(e.Token)
            ? new AddedToken(e.Token, e.Id, Special: true, Normalized: false)
            : new AddedToken(e.Token, e.Id, Special: false, Normalized: true)).ToList();
}
