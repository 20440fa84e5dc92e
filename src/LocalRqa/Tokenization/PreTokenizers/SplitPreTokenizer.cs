using System.Text.RegularExpressions;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// tokenizers "Split": cut at the matches of a pattern (a literal String or a Regex), keeping or merging the matches
/// per <see cref="Behavior"/>; with <see cref="Invert"/> the matches are the content and the gaps the delimiters.
/// Llama 3 and Qwen2 put their word regex here, before a ByteLevel pre-tokenizer without its own regex.
/// </summary>
/// <remarks>
/// Regex patterns are Oniguruma syntax in tokenizers and run on .NET's engine here. The patterns real files use
/// (\p{L}, \p{N}, \s, (?i:...), lookahead, {1,3}) mean the same in both, with one known difference: .NET classes
/// work on UTF-16 units, so a letter outside the BMP (e.g. U+1D400) counts as "other", not as \p{L}.
/// </remarks>
internal sealed class SplitPreTokenizer : IPreTokenizer
{
    public SplitPreTokenizer(Regex pattern, SplitBehavior behavior, bool invert = false)
    {
        Pattern = pattern;
        Behavior = behavior;
        Invert = invert;
    }

    /// <summary>A Split at every occurrence of a literal string.</summary>
    public static SplitPreTokenizer Literal(string text, SplitBehavior behavior, bool invert = false) =>
        new(new Regex(Regex.Escape(text), RegexOptions.CultureInvariant), behavior, invert);

    public Regex Pattern { get; }
    public SplitBehavior Behavior { get; }
    public bool Invert { get; }

    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var span = piece.Text.Span;
        if (span.IsEmpty) return;
        var runs = new List<(int Start, int Length, bool Delimiter)>();
        int pos = 0;
        foreach (var match in Pattern.EnumerateMatches(span))
        {
            if (match.Length == 0) continue;
            if (match.Index > pos) runs.Add((pos, match.Index - pos, Invert));
            runs.Add((match.Index, match.Length, !Invert));
            pos = match.Index + match.Length;
        }
        if (pos < span.Length) runs.Add((pos, span.Length - pos, Invert));
        PieceSplitter.Split(piece, runs, Behavior, output);
    }
}
