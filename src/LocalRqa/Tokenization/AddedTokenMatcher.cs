using System.Buffers;

namespace LocalRqa.Tokenization;

/// <summary>
/// Cuts added tokens out of text, leftmost match first and the longest one at that position (the aho-corasick
/// LeftmostLongest matching tokenizers uses), so "[SEP]" in user text stays one token instead of "[", "sep", "]".
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> byFirstChar;
    private readonly SearchValues<char> firstChars;

    /// <param name="tokens">Each token with the exact string to look for (its content, normalized when it is a normalized token).</param>
    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> tokens)
    {
        byFirstChar = tokens.Where(t => t.Pattern.Length > 0)
            .GroupBy(t => t.Pattern[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Pattern.Length).ToArray());
        firstChars = SearchValues.Create(byFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => byFirstChar.Count == 0;

    public void Split(TextSegment segment, List<TextSegment> output)
    {
        var text = segment.Text;
        var span = text.Span;
        int emittedUntil = 0, pos = 0;
        while (pos < span.Length)
        {
            int rel = span[pos..].IndexOfAny(firstChars);
            if (rel < 0) break;
            int at = pos + rel;
            var match = LongestAt(span, at);
            if (match is null)
            {
                pos = at + 1;
                continue;
            }
            int start = at, stop = at + match.Value.Pattern.Length;
            var token = match.Value.Token;
            if (token.SingleWord && ((start > 0 && IsWordChar(span[start - 1])) || (stop < span.Length && IsWordChar(span[stop]))))
            {
                pos = stop;
                continue;
            }
            // Stripped whitespace belongs to the token; a previous token may already have taken it.
            if (token.LStrip) while (start > emittedUntil && char.IsWhiteSpace(span[start - 1])) start--;
            if (token.RStrip) while (stop < span.Length && char.IsWhiteSpace(span[stop])) stop++;
            if (start > emittedUntil)
                output.Add(new TextSegment(text[emittedUntil..start], null, segment.StartsText && emittedUntil == 0));
            output.Add(new TextSegment(text[start..stop], token.Id, false));
            emittedUntil = pos = stop;
        }
        if (emittedUntil == 0) output.Add(segment);
        else if (emittedUntil < span.Length) output.Add(new TextSegment(text[emittedUntil..], null, false));
    }

    private (string Pattern, AddedToken Token)? LongestAt(ReadOnlySpan<char> span, int at)
    {
        foreach (var candidate in byFirstChar[span[at]])
        {
            if (span[at..].StartsWith(candidate.Pattern, StringComparison.Ordinal)) return candidate;
        }
        return null;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
