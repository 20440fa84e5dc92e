using System.Buffers;
using System.Collections.Concurrent;

namespace LocalRqa.Tokenization.Models;

/// <summary>
/// SentencePiece Unigram: the segmentation with the highest sum of piece log-probabilities (Viterbi over the
/// lattice of vocabulary pieces). A character that no single piece covers is an unknown node scored
/// min(score) − 10, as sentencepiece and tokenizers do; consecutive unknowns fuse into one unk token, or into
/// &lt;0xNN&gt; byte pieces when byte_fallback is on.
/// </summary>
internal sealed class UnigramModel : ITokenizerModel
{
    /// <summary>sentencepiece's kUnkPenalty: how much less likely than the rarest piece an unknown character is.</summary>
    public const double UnknownPenalty = 10.0;

    private const int MaxCachedWordLength = 256;
    private const int MaxCacheEntries = 50_000;

    private readonly string[] pieces;
    private readonly double[] scores;
    private readonly Dictionary<string, int> vocab = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly CharTrie trie = new();
    private readonly int unkId;
    private readonly double unkScore;
    private readonly int[]? byteIds;
    // Words repeat (Zipf): their ids are kept, keyed by the word's span so a hit allocates nothing.
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheLookup;

    /// <param name="vocab">Pieces and their log-probability scores; a piece's id is its index.</param>
    /// <param name="unkId">Id of the unknown piece; null only for a vocabulary that covers every input.</param>
    /// <param name="byteFallback">Unknown text becomes the &lt;0xNN&gt; pieces of its UTF-8 bytes when they all exist.</param>
    public UnigramModel(IReadOnlyList<(string Piece, double Score)> vocab, int? unkId, bool byteFallback = false)
    {
        if (vocab.Count == 0) throw new RqaException("Unigram vocabulary is empty");
        if (unkId is int u && (u < 0 || u >= vocab.Count))
            throw new RqaException($"Unigram unk_id {u} is outside the vocabulary of {vocab.Count} pieces");
        pieces = new string[vocab.Count];
        scores = new double[vocab.Count];
        double minScore = double.PositiveInfinity;
        for (int id = 0; id < vocab.Count; id++)
        {
            var (piece, score) = vocab[id];
            pieces[id] = piece;
            scores[id] = score;
            this.vocab[piece] = id;
            if (piece.Length > 0) trie.Add(piece, id);
            minScore = Math.Min(minScore, score);
        }
        lookup = this.vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        cacheLookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        this.unkId = unkId ?? -1;
        unkScore = minScore - UnknownPenalty;
        ByteFallback = byteFallback;
        if (byteFallback) byteIds = ByteFallbackIds.Find(lookup);
    }

    public bool ByteFallback { get; }

    public int VocabSize => pieces.Length;

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        int n = word.Length;
        if (n == 0) return;
        bool cacheable = n <= MaxCachedWordLength;
        if (cacheable && cacheLookup.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        int first = ids.Count;
        // best[end]: score of the best segmentation of word[..end]; from[end] and piece[end]: its last piece.
        var best = ArrayPool<double>.Shared.Rent(n + 1);
        var from = ArrayPool<int>.Shared.Rent(n + 1);
        var piece = ArrayPool<int>.Shared.Rent(n + 1);
        try
        {
            from.AsSpan(0, n + 1).Fill(-1);
            best[0] = 0;
            int pos = 0;
            while (pos < n)
            {
                int charLength = char.IsHighSurrogate(word[pos]) && pos + 1 < n && char.IsLowSurrogate(word[pos + 1]) ? 2 : 1;
                double before = best[pos];
                bool coversOneChar = false;
                int node = 0;
                for (int end = pos; end < n && trie.TryStep(node, word[end], out node); end++)
                {
                    int id = trie.ValueAt(node);
                    if (id < 0) continue;
                    Relax(end + 1, before + scores[id], pos, id, best, from, piece);
                    if (end + 1 - pos == charLength) coversOneChar = true;
                }
                if (!coversOneChar) Relax(pos + charLength, before + unkScore, pos, unkId, best, from, piece);
                pos += charLength;
            }
            Emit(word, from, piece, ids);
            if (cacheable && cache.Count < MaxCacheEntries)
                cacheLookup.TryAdd(word, ids.GetRange(first, ids.Count - first).ToArray());
        }
        finally
        {
            ArrayPool<double>.Shared.Return(best);
            ArrayPool<int>.Shared.Return(from);
            ArrayPool<int>.Shared.Return(piece);
        }
    }

    // Strictly greater: on a tie the piece found first (the earliest start) stays, as in tokenizers.
    private static void Relax(int end, double score, int start, int id, double[] best, int[] from, int[] piece)
    {
        if (from[end] >= 0 && score <= best[end]) return;
        best[end] = score;
        from[end] = start;
        piece[end] = id;
    }

    private void Emit(ReadOnlySpan<char> word, int[] from, int[] piece, List<int> ids)
    {
        // Walk back from the end collecting (start, end, id), fusing adjacent unknowns, then emit front to back.
        var path = new List<(int Start, int End, int Id)>(Math.Min(word.Length, 64));
        int end = word.Length;
        while (end > 0)
        {
            int start = from[end];
            int id = piece[end];
            if (id == unkId && path.Count > 0 && path[^1].Id == unkId) path[^1] = (start, path[^1].End, id);
            else path.Add((start, end, id));
            end = start;
        }
        for (int k = path.Count - 1; k >= 0; k--)
        {
            var (s, e, id) = path[k];
            if (id == unkId) AddUnknown(word[s..e], ids);
            else ids.Add(id);
        }
    }

    private void AddUnknown(ReadOnlySpan<char> text, List<int> ids)
    {
        // tokenizers looks a fused run up once more; it is a piece only by coincidence (e.g. the unk piece's own text).
        if (lookup.TryGetValue(text, out int known))
        {
            ids.Add(known);
            return;
        }
        if (byteIds is not null && ByteFallbackIds.TryAdd(text, byteIds, ids)) return;
        if (unkId < 0) throw new RqaException("the Unigram model met an unknown character but has no unk_id");
        ids.Add(unkId);
    }

    public int? TokenToId(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => id >= 0 && id < pieces.Length ? pieces[id] : null;
}
