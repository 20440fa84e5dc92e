namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>tokenizers "Punctuation": split at BERT punctuation (ASCII symbols and Unicode P*) with the given behavior.</summary>
internal sealed record PunctuationPreTokenizer(SplitBehavior Behavior = SplitBehavior.Isolated) : IPreTokenizer
{
    public void PreTokenize(TextPiece piece, List<TextPiece> output) =>
        PieceSplitter.Split(piece, TextRules.IsPunctuation, Behavior, output);
}
