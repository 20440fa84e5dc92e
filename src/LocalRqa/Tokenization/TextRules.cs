using System.Globalization;
using System.Text;

namespace LocalRqa.Tokenization;

/// <summary>The character classes BERT's BasicTokenizer and the tokenizers library's Bert components agree on.</summary>
internal static class TextRules
{
    /// <summary>Other (C*) categories except tab, newline and carriage return, which count as whitespace.</summary>
    public static bool IsControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>Unicode White_Space (Rust's char::is_whitespace); controls among them are dropped before this is asked.</summary>
    public static bool IsWhitespace(Rune r) => Rune.IsWhiteSpace(r);

    /// <summary>ASCII symbols count too: BERT splits on "$", "^", "`" etc. although Unicode files them as S*.</summary>
    public static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideograph blocks of BERT's _is_chinese_char (not Hangul, Hiragana or Katakana).</summary>
    public static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <summary>\w of the Whitespace pre-tokenizer's regex: letters, marks, digits, connectors (Rust regex's Unicode \w).</summary>
    public static bool IsWordChar(Rune r)
    {
        if (r.Value is 0x200C or 0x200D) return true;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>
    /// Per-character lower-casing as Rust's char::to_lowercase and Python's per-char str.lower() do: no final-sigma
    /// rule, and U+0130 becomes "i" + U+0307 (invariant-mode .NET would leave it unchanged).
    /// </summary>
    public static string Lowercase(string text)
    {
        int i = 0;
        while (i < text.Length && !char.IsUpper(text[i]) && text[i] < 0x80) i++;
        if (i == text.Length) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        foreach (var rune in text.AsSpan(i).EnumerateRunes())
        {
            if (rune.Value == 0x130) sb.Append("i\u0307");
            else if (rune.IsBmp) sb.Append(char.ToLowerInvariant((char)rune.Value));
            else sb.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return sb.ToString();
    }
}
