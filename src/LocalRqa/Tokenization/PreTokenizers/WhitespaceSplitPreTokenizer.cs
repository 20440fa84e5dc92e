namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>tokenizers "WhitespaceSplit": split on Unicode whitespace, which is dropped.</summary>
internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    // One scan without the generic splitter's run lists: t5 files run every word of every passage through here.
    // White_Space has no code point outside the BMP, so testing chars is testing runes.
    public void PreTokenize(TextPiece piece, List<TextPiece> output)
    {
        var span = piece.Text.Span;
        int i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i])) i++;
            int start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i])) i++;
            if (i > start) output.Add(new TextPiece(piece.Text[start..i], piece.StartsText && start == 0));
        }
    }
}
