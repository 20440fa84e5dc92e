namespace LocalRqa.Tokenization.Normalizers;

/// <summary>tokenizers "Strip": trims Unicode whitespace on the chosen sides.</summary>
internal sealed record StripNormalizer(bool Left, bool Right) : INormalizer
{
    public string Normalize(string text)
    {
        if (Left && Right) return text.Trim();
        if (Left) return text.TrimStart();
        return Right ? text.TrimEnd() : text;
    }
}
