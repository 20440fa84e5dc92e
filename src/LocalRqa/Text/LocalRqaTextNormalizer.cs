using System.Text;
using System.Text.RegularExpressions;

namespace LocalRqa.Text;

/// <summary>
/// LocalRQA's text normalisation (its `normalize_answer`, also used by its BM25 tokenizer): lower-case,
/// remove ASCII punctuation (Python's string.punctuation), replace the articles a/an/the by spaces, and
/// collapse whitespace. Used for `likely_*` metrics and BM25, so both match LocalRQA's numbers.
/// </summary>
internal static partial class LocalRqaTextNormalizer
{
    const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [GeneratedRegex(@"\b(a|an|the)\b")]
    private static partial Regex Articles();

    public static string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        var kept = new StringBuilder(lower.Length);
        foreach (var c in lower)
            if (Punctuation.IndexOf(c) < 0) kept.Append(c);
        var withoutArticles = Articles().Replace(kept.ToString(), " ");
        return string.Join(' ', withoutArticles.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The normalised text's whitespace-separated tokens.</summary>
    public static string[] Tokens(string text) =>
        Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
