using System.Text;

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>tokenizers "NFD", "NFC", "NFKD" and "NFKC".</summary>
internal sealed record UnicodeFormNormalizer(NormalizationForm Form) : INormalizer
{
    public string Normalize(string text) => UnicodeNormalizer.Normalize(text, Form);
}
