namespace LocalRqa.Tokenization.Models;

/// <summary>
/// WordPiece: greedy longest-match-first from the left, continuation pieces carry <see cref="ContinuingSubwordPrefix"/>;
/// a word with any unmatched remainder, or longer than <see cref="MaxInputCharsPerWord"/> code points, is one unk token.
/// </summary>
internal sealed class WordPieceModel : ITokenizerModel
{
    private readonly Dictionary<string, int> vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private readonly string[] idToToken;
    private readonly int unkId;

    public WordPieceModel(IReadOnlyDictionary<string, int> vocab, string unkToken, string continuingSubwordPrefix = "##",
        int maxInputCharsPerWord = 100)
    {
        this.vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        lookup = this.vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!this.vocab.TryGetValue(unkToken, out unkId))
            throw new RqaException($"WordPiece vocabulary has no entry for its unk token '{unkToken}'");
        VocabSize = this.vocab.Count == 0 ? 0 : this.vocab.Values.Max() + 1;
        idToToken = new string[VocabSize];
        foreach (var (token, id) in this.vocab)
        {
            if (id < 0) throw new RqaException($"WordPiece vocabulary has a negative id {id} for '{token}'");
            idToToken[id] ??= token;
        }
        UnkToken = unkToken;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    public string UnkToken { get; }
    public string ContinuingSubwordPrefix { get; }
    public int MaxInputCharsPerWord { get; }
    public int VocabSize { get; }

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty) return;
        if (word.Length > MaxInputCharsPerWord && CountCodePoints(word) > MaxInputCharsPerWord)
        {
            ids.Add(unkId);
            return;
        }

        // Continuation candidates are looked up as prefix + rest-of-word, built once in one buffer.
        int prefixLength = ContinuingSubwordPrefix.Length;
        int needed = prefixLength + word.Length;
        Span<char> buffer = needed <= 256 ? stackalloc char[needed] : new char[needed];
        ContinuingSubwordPrefix.CopyTo(buffer);

        int firstId = ids.Count;
        int start = 0;
        while (start < word.Length)
        {
            scoped ReadOnlySpan<char> rest;
            if (start == 0)
            {
                rest = word;
            }
            else
            {
                word[start..].CopyTo(buffer[prefixLength..]);
                rest = buffer[..(prefixLength + word.Length - start)];
            }
            int offset = start == 0 ? 0 : prefixLength;
            int found = -1, end = word.Length;
            for (; end > start; end--)
            {
                // Never cut between the halves of a surrogate pair: candidates are whole code points, as in HF.
                if (end < word.Length && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1])) continue;
                if (lookup.TryGetValue(rest[..(offset + end - start)], out found)) break;
                found = -1;
            }
            if (found < 0)
            {
                ids.RemoveRange(firstId, ids.Count - firstId);
                ids.Add(unkId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    public int? TokenToId(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    public string? IdToToken(int id) => id >= 0 && id < idToToken.Length ? idToToken[id] : null;

    private static int CountCodePoints(ReadOnlySpan<char> s)
    {
        int count = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!(char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1]))) count++;
        }
        return count;
    }
}
