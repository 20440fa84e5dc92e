using LocalRqa.Tokenization.Decoders;
using LocalRqa.Tokenization.Models;
using LocalRqa.Tokenization.Normalizers;
using LocalRqa.Tokenization.PostProcessors;
using LocalRqa.Tokenization.PreTokenizers;

namespace LocalRqa.Tokenization;

/// <summary>
/// The tokenizers-library pipeline: added tokens are cut out of the raw text, the rest is normalized (normalized
/// added tokens are cut out then), pre-tokenized into words, turned into ids by the model, truncated and wrapped in
/// special tokens. The vocab.txt BertTokenizer runs through the same pipeline with slow-tokenizer settings.
/// </summary>
internal sealed class PipelineTokenizer : ITextTokenizer
{
    private readonly INormalizer? normalizer;
    private readonly IPreTokenizer? preTokenizer;
    private readonly ITokenizerModel model;
    private readonly IPostProcessor? postProcessor;
    private readonly TruncationSettings? truncation;
    private readonly ITokenDecoder? decoder;
    private readonly HashSet<int> specialIds = new();
    private readonly AddedTokenMatcher rawMatcher;
    private readonly AddedTokenMatcher normalizedMatcher;
    private readonly Dictionary<string, int> addedByContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> addedById = new();

    public PipelineTokenizer(
        ITokenizerModel model,
        INormalizer? normalizer = null,
        IPreTokenizer? preTokenizer = null,
        IPostProcessor? postProcessor = null,
        IReadOnlyList<AddedToken>? addedTokens = null,
        TruncationSettings? truncation = null,
        int padTokenId = 0,
        int? modelMaxLength = null,
        ITokenDecoder? decoder = null)
    {
        this.decoder = decoder;
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.postProcessor = postProcessor;
        this.truncation = truncation;
        AddedTokens = addedTokens ?? [];
        foreach (var token in AddedTokens)
        {
            addedByContent[token.Content] = token.Id;
            addedById.TryAdd(token.Id, token.Content);
            if (token.Special) specialIds.Add(token.Id);
        }
        rawMatcher = new AddedTokenMatcher(AddedTokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        normalizedMatcher = new AddedTokenMatcher(AddedTokens.Where(t => t.Normalized)
            .Select(t => (normalizer?.Normalize(t.Content) ?? t.Content, t)));
        PadTokenId = padTokenId;
        ModelMaxLength = modelMaxLength;
        VocabSize = Math.Max(model.VocabSize, AddedTokens.Count == 0 ? 0 : AddedTokens.Max(t => t.Id) + 1);
    }

    public IReadOnlyList<AddedToken> AddedTokens { get; }
    public int PadTokenId { get; }
    public int VocabSize { get; }
    public int? ModelMaxLength { get; }

    public TokenizedText Encode(string text, int? maxLength = null, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 4 + 8);
        EncodeContent(text, ids);

        int specials = addSpecialTokens ? postProcessor?.SingleSequenceSpecialCount ?? 0 : 0;
        int? limit = maxLength ?? truncation?.MaxLength;
        if (limit is int max)
        {
            if (max < specials)
                throw new RqaException($"max length {max} leaves no room for the {specials} special tokens of this tokenizer");
            int budget = max - specials;
            if (ids.Count > budget)
            {
                if (truncation?.FromLeft == true) ids.RemoveRange(0, ids.Count - budget);
                else ids.RemoveRange(budget, ids.Count - budget);
            }
        }

        var content = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids);
        if (addSpecialTokens && postProcessor is not null) return postProcessor.Process(content);
        return new TokenizedText(content.ToArray(), new int[content.Length]);
    }

    public IReadOnlyList<string> Tokenize(string text)
    {
        var ids = new List<int>();
        EncodeContent(text, ids);
        return ids.Select(id => IdToToken(id) ?? $"<{id}>").ToList();
    }

    /// <summary>
    /// Text of ids as tokenizers' decode gives it: ids to token strings (special added tokens left out when
    /// <paramref name="skipSpecialTokens"/>), then the file's decoder; without one, the tokens joined by spaces.
    /// Ids outside the vocabulary are skipped.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (skipSpecialTokens && specialIds.Contains(id)) continue;
            if (IdToToken(id) is { } token) tokens.Add(token);
        }
        return decoder is null ? string.Join(" ", tokens) : string.Concat(decoder.DecodeChain(tokens));
    }

    public int? TokenToId(string token) => addedByContent.TryGetValue(token, out int id) ? id : model.TokenToId(token);

    public string? IdToToken(int id) => addedById.TryGetValue(id, out var token) ? token : model.IdToToken(id);

    private void EncodeContent(string text, List<int> ids)
    {
        var rawSegments = new List<TextSegment>();
        var root = new TextSegment(text.AsMemory(), null, true);
        if (rawMatcher.IsEmpty) rawSegments.Add(root);
        else rawMatcher.Split(root, rawSegments);

        var normalizedSegments = new List<TextSegment>();
        var pieces = new List<TextPiece>();
        foreach (var raw in rawSegments)
        {
            if (raw.AddedTokenId is int addedId)
            {
                ids.Add(addedId);
                continue;
            }
            string segmentText = raw.Text.ToString();
            string normalized = normalizer?.Normalize(segmentText) ?? segmentText;
            normalizedSegments.Clear();
            var segment = new TextSegment(normalized.AsMemory(), null, raw.StartsText);
            if (normalizedMatcher.IsEmpty) normalizedSegments.Add(segment);
            else normalizedMatcher.Split(segment, normalizedSegments);

            foreach (var part in normalizedSegments)
            {
                if (part.AddedTokenId is int id)
                {
                    ids.Add(id);
                    continue;
                }
                var piece = new TextPiece(part.Text, part.StartsText);
                if (preTokenizer is null)
                {
                    model.Tokenize(piece.Text.Span, ids);
                    continue;
                }
                pieces.Clear();
                preTokenizer.PreTokenize(piece, pieces);
                foreach (var word in pieces) model.Tokenize(word.Text.Span, ids);
            }
        }
    }
}
