using System.Globalization;
using System.Text;

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>
/// NFD/NFC/NFKD/NFKC on our own tables: the solution runs with InvariantGlobalization, where string.Normalize leaves
/// non-ASCII text untouched, which would silently stop accent stripping (HF: NFD, then drop Mn).
/// </summary>
internal static class UnicodeNormalizer
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    // Below U+00C0 nothing decomposes, composes or has a combining class, so such text is already normalized.
    private const char FirstInteresting = '\u00C0';

    private static readonly Lazy<Tables> Data = new(Tables.Build);

    public static string Normalize(string text, NormalizationForm form)
    {
        if (IsTriviallyNormalized(text)) return text;
        bool compatibility = form is NormalizationForm.FormKD or NormalizationForm.FormKC;
        var codePoints = Decompose(text, compatibility);
        if (form is NormalizationForm.FormC or NormalizationForm.FormKC) Compose(codePoints);
        var sb = new StringBuilder(text.Length + 8);
        foreach (int cp in codePoints) AppendCodePoint(sb, cp);
        return sb.ToString();
    }

    /// <summary>NFD without the nonspacing marks (Mn): HF's strip_accents.</summary>
    public static string StripAccents(string text) => RemoveMarks(Normalize(text, NormalizationForm.FormD), nonspacingOnly: true);

    /// <summary>Drops marks: only Mn (BertNormalizer) or every M* category (the StripAccents normalizer).</summary>
    public static string RemoveMarks(string text, bool nonspacingOnly)
    {
        if (IsTriviallyNormalized(text)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            bool drop = category == UnicodeCategory.NonSpacingMark
                || (!nonspacingOnly && category is UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
            if (!drop) sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    private static bool IsTriviallyNormalized(string text) => !text.AsSpan().ContainsAnyInRange(FirstInteresting, char.MaxValue);

    private static List<int> Decompose(string text, bool compatibility)
    {
        var data = Data.Value;
        var result = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            int s = cp - HangulSBase;
            if (s >= 0 && s < HangulSCount)
            {
                result.Add(HangulLBase + s / HangulNCount);
                result.Add(HangulVBase + s % HangulNCount / HangulTCount);
                if (s % HangulTCount != 0) result.Add(HangulTBase + s % HangulTCount);
            }
            else if ((compatibility && data.Compatibility.TryGetValue(cp, out var parts)) || data.Canonical.TryGetValue(cp, out parts))
            {
                result.AddRange(parts);
            }
            else
            {
                result.Add(cp);
            }
        }
        SortMarks(result, data);
        return result;
    }

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static void SortMarks(List<int> cps, Tables data)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int cc = data.Class(cps[i]);
            if (cc == 0) continue;
            int j = i;
            while (j > 0 && data.Class(cps[j - 1]) > cc)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void Compose(List<int> cps, Tables data)
    {
        if (cps.Count == 0) return;
        int starter = -1, lastClass = 0, write = 0;
        for (int read = 0; read < cps.Count; read++)
        {
            int cp = cps[read];
            int cc = data.Class(cp);
            // A mark is blocked from the starter when an earlier mark has the same or a higher class (or is a starter).
            bool blocked = starter < 0 || (write - 1 != starter && lastClass >= cc) || (write - 1 != starter && lastClass == 0);
            if (!blocked && TryCompose(cps[starter], cp, data, out int composite))
            {
                cps[starter] = composite;
                continue;
            }
            if (cc == 0) starter = write;
            lastClass = cc;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static void Compose(List<int> cps) => Compose(cps, Data.Value);

    private static bool TryCompose(int first, int second, Tables data, out int composite)
    {
        int l = first - HangulLBase, v = second - HangulVBase;
        if (l >= 0 && l < HangulLCount && v >= 0 && v < HangulVCount)
        {
            composite = HangulSBase + (l * HangulVCount + v) * HangulTCount;
            return true;
        }
        int s = first - HangulSBase, t = second - HangulTBase;
        if (s >= 0 && s < HangulSCount && s % HangulTCount == 0 && t > 0 && t < HangulTCount)
        {
            composite = first + t;
            return true;
        }
        return data.Compositions.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private static void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp < 0x10000) sb.Append((char)cp);
        else sb.Append(char.ConvertFromUtf32(cp));
    }

    private sealed class Tables
    {
        public readonly Dictionary<int, byte> CombiningClasses = new();
        public readonly Dictionary<int, int[]> Canonical = new();
        public readonly Dictionary<int, int[]> Compatibility = new();
        public readonly Dictionary<long, int> Compositions = new();

        public int Class(int cp) => cp < FirstInteresting ? 0 : CombiningClasses.GetValueOrDefault(cp);

        public static Tables Build()
        {
            var t = new Tables();
            foreach (var (key, value) in Entries(UnicodeTableData.CombiningClasses))
            {
                int dash = key.IndexOf('-');
                int first = Hex(key[..dash]), last = Hex(key[(dash + 1)..]);
                byte cc = byte.Parse(value, CultureInfo.InvariantCulture);
                for (int cp = first; cp <= last; cp++) t.CombiningClasses[cp] = cc;
            }
            foreach (var (key, value) in Entries(UnicodeTableData.CanonicalDecompositions)) t.Canonical[Hex(key)] = HexList(value);
            foreach (var (key, value) in Entries(UnicodeTableData.CompatibilityDecompositions)) t.Compatibility[Hex(key)] = HexList(value);
            foreach (var (key, value) in Entries(UnicodeTableData.Compositions))
            {
                var pair = HexList(key);
                t.Compositions[((long)pair[0] << 21) | (uint)pair[1]] = Hex(value);
            }
            return t;
        }

        private static IEnumerable<(string Key, string Value)> Entries(string table)
        {
            foreach (var entry in table.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = entry.IndexOf('=');
                yield return (entry[..eq], entry[(eq + 1)..]);
            }
        }

        private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        private static int[] HexList(string s) => s.Split(' ').Select(Hex).ToArray();
    }
}
