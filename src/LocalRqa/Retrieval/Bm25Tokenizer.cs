using LocalRqa.Text;

namespace LocalRqa.Retrieval;

/// <summary>
/// LocalRQA's BM25 tokenizer: normalize_answer (lower-case, no ASCII punctuation, no articles, single spaces),
/// then <c>re.split(r'\s|, |\?|\r|\n|\*', text)</c> without empty pieces. Normalisation already removed ',', '?'
/// and '*', so what remains is a split on Python's whitespace.
/// </summary>
internal static class Bm25Tokenizer
{
    public static string[] Tokenize(string text)
    {
        var normalized = LocalRqaTextNormalizer.Normalize(text);
        var tokens = new List<string>();
        int start = 0;
        for (int i = 0; i <= normalized.Length; i++)
        {
            if (i < normalized.Length && !IsPythonWhitespace(normalized[i])) continue;
            if (i > start) tokens.Add(normalized[start..i]);
            start = i + 1;
        }
        return [.. tokens];
    }

    // Python's \s (str.isspace) also counts the separators \x1c-\x1f, which .NET's char.IsWhiteSpace does not.
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
}
