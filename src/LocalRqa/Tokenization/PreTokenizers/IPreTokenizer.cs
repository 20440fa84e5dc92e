namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// A tokenizer.json "pre_tokenizer": splits a piece of normalized text into words for the model. Pieces may be rewritten
/// too (Metaspace replaces spaces, ByteLevel maps bytes to printable chars), which is why they are memory, not ranges.
/// </summary>
internal interface IPreTokenizer
{
    /// <summary>Appends the pieces <paramref name="piece"/> splits into, in order, to <paramref name="output"/>.</summary>
    void PreTokenize(TextPiece piece, List<TextPiece> output);
}
