namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// One piece of normalized text between pre-tokenizers. <see cref="StartsText"/> is true only for a piece that begins
/// at the very start of the encoded text (Metaspace's prepend_scheme "first" needs it).
/// </summary>
internal readonly record struct TextPiece(ReadOnlyMemory<char> Text, bool StartsText);
