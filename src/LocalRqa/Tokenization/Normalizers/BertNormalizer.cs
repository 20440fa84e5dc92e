using System.Text;

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>
/// BERT's text cleanup in the tokenizers library's order: clean text, space out CJK ideographs, strip accents, lower-case.
/// <paramref name="ComposeFirst"/> adds the NFC step that transformers' (slow) BasicTokenizer applies before it splits.
/// </summary>
internal sealed record BertNormalizer(
    bool CleanText = true, bool HandleChineseChars = true, bool? StripAccents = null, bool Lowercase = true,
    bool ComposeFirst = false) : INormalizer
{
    public string Normalize(string text)
    {
        if (CleanText || HandleChineseChars) text = CleanAndSpace(text);
        if (ComposeFirst) text = UnicodeNormalizer.Normalize(text, NormalizationForm.FormC);
        if (StripAccents ?? Lowercase) text = UnicodeNormalizer.StripAccents(text);
        if (Lowercase) text = TextRules.Lowercase(text);
        return text;
    }

    private string CleanAndSpace(string text)
    {
        if (IsPlainAscii(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (CleanText)
            {
                if (rune.Value is 0 or 0xFFFD || TextRules.IsControl(rune)) continue;
                if (TextRules.IsWhitespace(rune))
                {
                    sb.Append(' ');
                    continue;
                }
            }
            if (HandleChineseChars && TextRules.IsCjk(rune.Value))
            {
                sb.Append(' ').Append(rune.ToString()).Append(' ');
                continue;
            }
            if (rune.IsBmp) sb.Append((char)rune.Value);
            else sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    // Printable ASCII plus space: nothing to drop, no whitespace to rewrite, no ideographs.
    private static bool IsPlainAscii(string text) => !text.AsSpan().ContainsAnyExceptInRange(' ', '~');
}
