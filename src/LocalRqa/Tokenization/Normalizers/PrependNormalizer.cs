namespace LocalRqa.Tokenization.Normalizers;

/// <summary>tokenizers "Prepend": adds a prefix to non-empty text only.</summary>
internal sealed record PrependNormalizer(string Prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : Prefix + text;
}
