using System.Globalization;
using System.Text;

namespace LocalRqa.Tokenization.Models;

/// <summary>The &lt;0xNN&gt; pieces sentencepiece models use for bytes of text that no piece covers (byte_fallback).</summary>
internal static class ByteFallbackIds
{
    /// <summary>Id of each byte's token ("&lt;0x" + two upper-case hex digits + "&gt;"), -1 where the vocabulary lacks it.</summary>
    public static int[] Find(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocab)
    {
        var ids = new int[256];
        Span<char> token = stackalloc char[6];
        "<0x".CopyTo(token);
        token[5] = '>';
        for (int b = 0; b < 256; b++)
        {
            ((byte)b).TryFormat(token[3..5], out _, "X2", CultureInfo.InvariantCulture);
            ids[b] = vocab.TryGetValue(token, out int id) ? id : -1;
        }
        return ids;
    }

    /// <summary>Appends the byte tokens of the UTF-8 bytes of <paramref name="text"/>; false (nothing added) when one is missing.</summary>
    public static bool TryAdd(ReadOnlySpan<char> text, int[] byteIds, List<int> ids)
    {
        int count = Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = count <= 256 ? stackalloc byte[count] : new byte[count];
        Encoding.UTF8.GetBytes(text, bytes);
        foreach (byte b in bytes)
        {
            if (byteIds[b] < 0) return false;
        }
        foreach (byte b in bytes) ids.Add(byteIds[b]);
        return true;
    }

    /// <summary>The byte a &lt;0xNN&gt; token stands for.</summary>
    public static bool TryParse(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
