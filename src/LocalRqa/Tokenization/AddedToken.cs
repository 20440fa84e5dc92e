namespace LocalRqa.Tokenization;

/// <summary>
/// A token matched in the text before the model sees it and never split (tokenizers' AddedToken). Normalized tokens
/// are looked for in normalized text, the others in the raw text; LStrip/RStrip absorb neighbouring whitespace.
/// </summary>
internal sealed record AddedToken(
    string Content, int Id, bool Special = true, bool Normalized = false, bool LStrip = false, bool RStrip = false,
    bool SingleWord = false);
