using System.Text;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>tokenizers "BertPreTokenizer": split on whitespace (dropped), then isolate every punctuation character.</summary>
internal sealed class BertPreTokenizer : IPreTokenizer
{
    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        // One pass instead of two splits: a word ends at whitespace or punctuation, punctuation is a word by itself.
        var span = piece.Text.Span;
        int wordStart = 0, i = 0;
        while (i < span.Length)
        {
            Rune.DecodeFromUtf16(span[i..], out var rune, out int used);
            bool space = TextRules.IsWhitespace(rune);
            if (space || TextRules.IsPunctuation(rune))
            {
                if (i > wordStart) output.Add(Slice(piece, wordStart, i - wordStart));
                if (!space) output.Add(Slice(piece, i, used));
                wordStart = i + used;
            }
            i += used;
        }
        if (span.Length > wordStart) output.Add(Slice(piece, wordStart, span.Length - wordStart));
    }

    private static TextPiece Slice(TextPiece piece, int start, int length) =>
        new(piece.Text.Slice(start, length), piece.StartsText && start == 0);
}
