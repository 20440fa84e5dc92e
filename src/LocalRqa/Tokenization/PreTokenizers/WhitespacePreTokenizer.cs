using System.Text;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>tokenizers "Whitespace": the regex \w+|[^\w\s]+, i.e. runs of word characters and runs of other non-space characters.</summary>
internal sealed class WhitespacePreTokenizer : IPreTokenizer
{
    private enum Kind { Space, Word, Other }

    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var span = piece.Text.Span;
        int runStart = 0, i = 0;
        var runKind = Kind.Space;
        while (i < span.Length)
        {
            Rune.DecodeFromUtf16(span[i..], out var rune, out int used);
            var kind = TextRules.IsWhitespace(rune) ? Kind.Space : TextRules.IsWordChar(rune) ? Kind.Word : Kind.Other;
            if (kind != runKind)
            {
                if (runKind != Kind.Space) output.Add(new TextPiece(piece.Text[runStart..i], piece.StartsText && runStart == 0));
                runStart = i;
                runKind = kind;
            }
            i += used;
        }
        if (runKind != Kind.Space) output.Add(new TextPiece(piece.Text[runStart..], piece.StartsText && runStart == 0));
    }
}
