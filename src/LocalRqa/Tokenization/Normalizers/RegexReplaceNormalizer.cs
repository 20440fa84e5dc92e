using System.Text.RegularExpressions;

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>
/// tokenizers "Replace" with a Regex pattern, e.g. the Replace(" {2,}", "▁") that transformers puts after the
/// Precompiled normalizer of t5 and other sentencepiece conversions. The content is literal text, not a substitution.
/// </summary>
internal sealed class RegexReplaceNormalizer(Regex pattern, string content) : INormalizer
{
    public Regex Pattern { get; } = pattern;
    public string Content { get; } = content;

    public string Normalize(string text) => Pattern.Replace(text, _ => Content);
}
