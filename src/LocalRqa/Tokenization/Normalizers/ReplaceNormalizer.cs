namespace LocalRqa.Tokenization.Normalizers;

/// <summary>tokenizers "Replace" with a literal String pattern (every occurrence, left to right).</summary>
internal sealed record ReplaceNormalizer(string Pattern, string Content) : INormalizer
{
    public string Normalize(string text) => Pattern.Length == 0 ? text : text.Replace(Pattern, Content, StringComparison.Ordinal);
}
