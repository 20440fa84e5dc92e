using System.Text;

namespace LocalRqa.Tokenization.PreTokenizers;

/// <summary>
/// GPT-2's bytes_to_unicode: every byte gets a printable char so BPE vocabularies are plain strings. Bytes that are
/// already printable Latin-1 ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68 get U+0100 + n in
/// byte order (so space is 'Ġ' U+0120 and newline 'Ċ' U+010A).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte();

    /// <summary>The byte a char of the alphabet stands for, or -1 for a char outside it.</summary>
    public static int ByteOf(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    /// <summary>Writes the alphabet chars of the UTF-8 bytes of <paramref name="text"/>; returns how many were written.</summary>
    public static int Map(ReadOnlySpan<char> text, Span<char> destination)
    {
        int count = Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = count <= 512 ? stackalloc byte[count] : new byte[count];
        Encoding.UTF8.GetBytes(text, bytes);
        for (int i = 0; i < bytes.Length; i++) destination[i] = ByteToChar[bytes[i]];
        return count;
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[256 + 68];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (short)b;
        return map;
    }
}
