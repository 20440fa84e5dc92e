using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LocalRqa.Tokenization.Normalizers;

/// <summary>
/// tokenizers "Precompiled": sentencepiece's normalization rules (nmt_nfkc and friends) as compiled into the model.
/// The precompiled_charsmap is [u32 little-endian trie size in bytes][darts-clone double-array trie over UTF-8
/// bytes][NUL-terminated replacement strings]; a trie value is the offset of a replacement.
/// </summary>
/// <remarks>
/// Applied as tokenizers applies it: per extended grapheme cluster, a cluster shorter than 6 UTF-8 bytes whose
/// bytes start with a key is replaced whole by the replacement of the shortest such key; otherwise each code point
/// is looked up alone (again the shortest key that prefixes it) and kept when none matches.
/// </remarks>
internal sealed class PrecompiledNormalizer : INormalizer
{
    private const int MaxWholeClusterBytes = 6;

    private readonly uint[] units;
    private readonly byte[] replacements;
    private readonly ConcurrentDictionary<int, string> decoded = new();
    // Replacement of each ASCII char looked up alone (null: unchanged), for the common all-ASCII stretches.
    private readonly string?[] ascii = new string?[128];

    /// <summary>Reads a raw charsmap; <paramref name="describe"/> names it in errors (file and field).</summary>
    public PrecompiledNormalizer(ReadOnlySpan<byte> charsmap, string describe = "precompiled_charsmap")
    {
        if (charsmap.Length < 4) throw new RqaException($"{describe} is too short ({charsmap.Length} bytes) for a sentencepiece charsmap");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(charsmap);
        if (trieBytes % 4 != 0 || trieBytes > (uint)(charsmap.Length - 4) || trieBytes == 0)
            throw new RqaException($"{describe}: trie size {trieBytes} does not fit the {charsmap.Length - 4} bytes after it");
        units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++) units[i] = BinaryPrimitives.ReadUInt32LittleEndian(charsmap[(4 + 4 * i)..]);
        replacements = charsmap[(4 + (int)trieBytes)..].ToArray();
        Span<byte> one = stackalloc byte[1];
        for (int c = 0; c < 128; c++)
        {
            one[0] = (byte)c;
            ascii[c] = Transform(one);
        }
    }

    public static PrecompiledNormalizer FromBase64(string base64, string describe = "precompiled_charsmap")
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new RqaException($"{describe} is not valid base64");
        }
        return new PrecompiledNormalizer(bytes, describe);
    }

    public string Normalize(string text)
    {
        var span = text.AsSpan();
        int i = 0;
        // Leading stretch of ASCII chars that stay as they are and cannot start a multi-char cluster.
        while (i < span.Length && span[i] < 128 && ascii[span[i]] is null && !StartsCluster(span, i)) i++;
        if (i == span.Length) return text;

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(span[..i]);
        Span<byte> bytes = stackalloc byte[MaxWholeClusterBytes * 4];
        while (i < span.Length)
        {
            char c = span[i];
            if (c < 128 && !StartsCluster(span, i))
            {
                if (ascii[c] is { } r) sb.Append(r);
                else sb.Append(c);
                i++;
                continue;
            }
            int length = StringInfo.GetNextTextElementLength(span[i..]);
            var cluster = span.Slice(i, length);
            i += length;
            if (Encoding.UTF8.GetByteCount(cluster) < MaxWholeClusterBytes)
            {
                int n = Encoding.UTF8.GetBytes(cluster, bytes);
                if (Transform(bytes[..n]) is { } whole)
                {
                    sb.Append(whole);
                    continue;
                }
            }
            int k = 0;
            while (k < cluster.Length)
            {
                int cpLength = char.IsHighSurrogate(cluster[k]) && k + 1 < cluster.Length && char.IsLowSurrogate(cluster[k + 1]) ? 2 : 1;
                var codePoint = cluster.Slice(k, cpLength);
                int n = Encoding.UTF8.GetBytes(codePoint, bytes);
                if (Transform(bytes[..n]) is { } replaced) sb.Append(replaced);
                else sb.Append(codePoint);
                k += cpLength;
            }
        }
        return sb.ToString();
    }

    // An ASCII char followed by a non-ASCII char (a combining mark, ZWJ...) or "\r\n" may form a longer cluster.
    private static bool StartsCluster(ReadOnlySpan<char> span, int i) =>
        i + 1 < span.Length && (span[i + 1] >= 128 || (span[i] == '\r' && span[i + 1] == '\n'));

    /// <summary>The replacement of the shortest trie key that prefixes <paramref name="key"/>, or null.</summary>
    private string? Transform(ReadOnlySpan<byte> key)
    {
        // darts-clone unit: bit 8 has_leaf, bits 0-7 (+ bit 31) label, offset = (unit >> 10) << ((unit & 512) >> 6).
        uint node = 0;
        if (units.Length == 0) return null;
        node ^= Offset(units[0]);
        foreach (byte b in key)
        {
            if (b == 0) return null;
            node ^= b;
            if (node >= units.Length) return null;
            uint unit = units[node];
            if ((unit & ((1u << 31) | 0xFF)) != b) return null;
            node ^= Offset(unit);
            if (((unit >> 8) & 1) == 1)
            {
                if (node >= units.Length) return null;
                return Replacement((int)(units[node] & ((1u << 31) - 1)));
            }
        }
        return null;
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    private string? Replacement(int offset)
    {
        if (offset >= replacements.Length) return null;
        return decoded.GetOrAdd(offset, at =>
        {
            int end = Array.IndexOf(replacements, (byte)0, at);
            if (end < 0) end = replacements.Length;
            return Encoding.UTF8.GetString(replacements, at, end - at);
        });
    }
}
