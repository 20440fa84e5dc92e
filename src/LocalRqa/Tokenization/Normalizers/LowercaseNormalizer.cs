namespace LocalRqa.Tokenization.Normalizers;

/// <summary>tokenizers "Lowercase": per-character, so a final capital sigma becomes σ, never ς.</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => TextRules.Lowercase(text);
}
