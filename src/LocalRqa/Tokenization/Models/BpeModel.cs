using System.Collections.Concurrent;

namespace LocalRqa.Tokenization.Models;

/// <summary>
/// Byte-pair encoding: a word starts as one symbol per character and the adjacent pair with the lowest merge rank is
/// merged until no ranked pair is left. Symbols form a linked list and candidate pairs sit in a priority queue ordered
/// by (rank, position), so a 2,000-character word (Llama 2 without a pre-tokenizer) costs O(n log n), not O(n²).
/// Characters missing from the vocabulary become &lt;0xNN&gt; byte pieces (byte_fallback) or the unk token (fused
/// into one when fuse_unk), or vanish when there is no unk token, as in tokenizers.
/// </summary>
internal sealed class BpeModel : ITokenizerModel
{
    private const int MaxCachedWordLength = 256;
    private const int MaxCacheEntries = 50_000;

    private readonly Dictionary<string, int> vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly string?[] idToToken;
    private readonly Dictionary<long, (int Rank, int NewId)> merges;
    private readonly int unkId;
    private readonly int[]? byteIds;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> cacheLookup;

    /// <param name="vocab">Token → id.</param>
    /// <param name="merges">Pairs in priority order (rank = index); both halves and their concatenation must be in the vocabulary.</param>
    public BpeModel(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, BpeOptions? options = null)
    {
        Options = options ?? new BpeOptions();
        this.vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        lookup = this.vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        cacheLookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        VocabSize = this.vocab.Count == 0 ? 0 : this.vocab.Values.Max() + 1;
        idToToken = new string?[VocabSize];
        foreach (var (token, id) in this.vocab)
        {
            if (id < 0) throw new RqaException($"BPE vocabulary has a negative id {id} for '{token}'");
            idToToken[id] ??= token;
        }
        unkId = -1;
        if (Options.UnkToken is { } unk && !this.vocab.TryGetValue(unk, out unkId))
            throw new RqaException($"BPE vocabulary has no entry for its unk token '{unk}'");
        if (Options.ByteFallback) byteIds = ByteFallbackIds.Find(lookup);

        string prefix = Options.ContinuingSubwordPrefix ?? "";
        this.merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            int leftId = IdOrThrow(left, rank), rightId = IdOrThrow(right, rank);
            string merged = left + (prefix.Length > 0 && right.StartsWith(prefix, StringComparison.Ordinal) ? right[prefix.Length..] : right);
            this.merges[PairKey(leftId, rightId)] = (rank, IdOrThrow(merged, rank));
        }
    }

    public BpeOptions Options { get; }

    public int VocabSize { get; }

    private int IdOrThrow(string token, int rank) => vocab.TryGetValue(token, out int id) ? id
        : throw new RqaException($"merges[{rank}]: '{token}' is not in the vocabulary");

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty) return;
        if (Options.IgnoreMerges && lookup.TryGetValue(word, out int whole))
        {
            ids.Add(whole);
            return;
        }
        bool cacheable = word.Length <= MaxCachedWordLength;
        if (cacheable && cacheLookup.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        int first = ids.Count;
        var symbols = InitialSymbols(word);
        MergeAll(symbols);
        for (int i = 0; i != -1 && symbols.Count > 0; i = symbols[i].Next) ids.Add(symbols[i].Id);
        if (cacheable && cache.Count < MaxCacheEntries)
            cacheLookup.TryAdd(word, ids.GetRange(first, ids.Count - first).ToArray());
    }

    private struct Symbol
    {
        public int Id;
        public int Prev;
        public int Next;
        public bool Removed;
    }

    private List<Symbol> InitialSymbols(ReadOnlySpan<char> word)
    {
        var symbols = new List<Symbol>(word.Length);
        string prefix = Options.ContinuingSubwordPrefix ?? "", suffix = Options.EndOfWordSuffix ?? "";
        Span<char> buffer = stackalloc char[prefix.Length + suffix.Length + 2];
        int pendingUnk = 0; // unknown characters not yet emitted (fused into one, or one each)
        int i = 0;
        while (i < word.Length)
        {
            int length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            // The candidate token: prefix when not first, the character, suffix when last.
            int at = 0;
            if (i > 0) { prefix.CopyTo(buffer); at = prefix.Length; }
            word.Slice(i, length).CopyTo(buffer[at..]);
            at += length;
            if (i + length == word.Length) { suffix.CopyTo(buffer[at..]); at += suffix.Length; }
            var candidate = buffer[..at];
            i += length;

            if (lookup.TryGetValue(candidate, out int id))
            {
                FlushUnknown(symbols, ref pendingUnk);
                Add(symbols, id);
                continue;
            }
            if (byteIds is not null && TryAddBytes(symbols, candidate, ref pendingUnk)) continue;
            if (unkId < 0) continue;
            if (!Options.FuseUnk) FlushUnknown(symbols, ref pendingUnk);
            pendingUnk++;
        }
        FlushUnknown(symbols, ref pendingUnk);
        return symbols;
    }

    private bool TryAddBytes(List<Symbol> symbols, ReadOnlySpan<char> candidate, ref int pendingUnk)
    {
        var byteIds = new List<int>(4);
        if (!ByteFallbackIds.TryAdd(candidate, this.byteIds!, byteIds)) return false;
        FlushUnknown(symbols, ref pendingUnk);
        foreach (int b in byteIds) Add(symbols, b);
        return true;
    }

    private void FlushUnknown(List<Symbol> symbols, ref int pendingUnk)
    {
        if (pendingUnk == 0) return;
        Add(symbols, unkId);
        pendingUnk = 0;
    }

    private static void Add(List<Symbol> symbols, int id)
    {
        int index = symbols.Count;
        if (index > 0)
        {
            var last = symbols[index - 1];
            last.Next = index;
            symbols[index - 1] = last;
        }
        symbols.Add(new Symbol { Id = id, Prev = index - 1, Next = -1 });
    }

    private void MergeAll(List<Symbol> symbols)
    {
        if (symbols.Count < 2) return;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols);
        // Entries are (position of the left symbol, merged id) by (rank, position); stale ones are skipped on pop.
        var queue = new PriorityQueue<(int Pos, int NewId), (int Rank, int Pos)>(symbols.Count);
        for (int i = 0; i + 1 < span.Length; i++) Enqueue(queue, span, i);
        while (queue.TryDequeue(out var top, out _))
        {
            ref var left = ref span[top.Pos];
            if (left.Removed || left.Next < 0) continue;
            ref var right = ref span[left.Next];
            if (!merges.TryGetValue(PairKey(left.Id, right.Id), out var merge) || merge.NewId != top.NewId) continue;
            left.Id = merge.NewId;
            right.Removed = true;
            left.Next = right.Next;
            if (left.Next >= 0) span[left.Next].Prev = top.Pos;
            if (left.Prev >= 0) Enqueue(queue, span, left.Prev);
            Enqueue(queue, span, top.Pos);
        }
    }

    private void Enqueue(PriorityQueue<(int, int), (int, int)> queue, Span<Symbol> symbols, int pos)
    {
        int next = symbols[pos].Next;
        if (next < 0 || !merges.TryGetValue(PairKey(symbols[pos].Id, symbols[next].Id), out var merge)) return;
        queue.Enqueue((pos, merge.NewId), (merge.Rank, pos));
    }

    public int? TokenToId(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => id >= 0 && id < idToToken.Length ? idToToken[id] : null;
}
