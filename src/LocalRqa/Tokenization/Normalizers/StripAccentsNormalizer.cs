namespace LocalRqa.Tokenization.Normalizers;

/// <summary>
/// tokenizers "StripAccents": drops every combining mark (Mn, Mc, Me) but does not decompose, so it is paired with NFD
/// in a Sequence (unlike BertNormalizer's accent stripping, which decomposes and drops only Mn).
/// </summary>
internal sealed class StripAccentsNormalizer : INormalizer
{
    public string Normalize(string text) => UnicodeNormalizer.RemoveMarks(text, nonspacingOnly: false);
}
