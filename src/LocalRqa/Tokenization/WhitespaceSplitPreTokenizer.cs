namespace LocalRqa.Tokenization;

/// <summary>tokenizers "WhitespaceSplit": split on Unicode whitespace, which is dropped.</summary>
public sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void PreTokenize(TextPiece piece, List<TextPiece> output) =>
        PieceSplitter.Split(piece, TextRules.IsWhitespace, SplitBehavior.Removed, output);
}
