using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LocalRqa.Files;

/// <summary>
/// Reads the user's text files (databases, question files, encode inputs, recipes) as strict UTF-8. .NET's own
/// readers turn invalid bytes into U+FFFD without a word; here they are an <see cref="RqaException"/>:
/// <c>FILE:LINE: invalid UTF-8 at byte N of the line (0xFF)</c>, where LINE counts from 1 as the line readers
/// count (a line ends at \n, \r or \r\n) and N is the position of the first invalid byte among the line's bytes
/// as stored in the file, counted from 1 (as <c>cut -b</c> counts). A UTF-8 byte order mark at the start of the
/// file is skipped, as <see cref="File.ReadAllText(string)"/> skips it; other encodings (UTF-16) are refused.
/// </summary>
internal static class Utf8TextFile
{
    // The preamble makes StreamReader skip a leading BOM without guessing other encodings from the first bytes.
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>The file's lines, like <see cref="File.ReadLines(string)"/>, decoded strictly.</summary>
    public static IEnumerable<string> ReadLines(string path)
    {
        using var reader = new StreamReader(path, Strict, detectEncodingFromByteOrderMarks: false);
        while (true)
        {
            string? line;
            // The strict decoder says that a chunk is invalid, not where: the error is located by a second pass.
            try { line = reader.ReadLine(); }
            catch (DecoderFallbackException) { throw InvalidUtf8(path, File.OpenRead(path)); }
            if (line is null) yield break;
            yield return line;
        }
    }

    /// <summary>The whole file's bytes after checking that they are UTF-8, without the BOM: what JsonDocument parses.</summary>
    public static ReadOnlyMemory<byte> ReadAllBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (!Utf8.IsValid(bytes)) throw InvalidUtf8(path, new MemoryStream(bytes));
        return bytes.AsMemory(bytes.AsSpan().StartsWith(Strict.Preamble) ? Strict.Preamble.Length : 0);
    }

    /// <summary>The whole file as text, like <see cref="File.ReadAllText(string)"/>, decoded strictly.</summary>
    public static string ReadAllText(string path) => Encoding.UTF8.GetString(ReadAllBytes(path).Span);

    /// <summary>Finds the first invalid byte of <paramref name="bytes"/> (read from the start) and names its line.</summary>
    static RqaException InvalidUtf8(string path, Stream bytes)
    {
        using (bytes)
        {
            var buffer = new byte[1 << 16];
            int count = 0, line = 1;
            long bufferStart = 0, lineStart = 0; // file offsets of buffer[0] and of the current line's first byte
            var afterCr = false;
            while (true)
            {
                var read = bytes.Read(buffer, count, buffer.Length - count);
                var end = read == 0;
                count += read;
                var i = 0;
                while (i < count)
                {
                    var b = buffer[i];
                    if (b < 0x80)
                    {
                        if (b == '\r' || (b == '\n' && !afterCr)) line++;
                        if (b is (byte)'\r' or (byte)'\n') lineStart = bufferStart + i + 1;
                        afterCr = b == '\r';
                        i++;
                        continue;
                    }
                    afterCr = false;
                    var status = Rune.DecodeFromUtf8(buffer.AsSpan(i, count - i), out _, out var length);
                    if (status == OperationStatus.NeedMoreData && !end) break; // the character continues in the next read
                    if (status != OperationStatus.Done)
                        return Located(path, line, bufferStart + i - lineStart + 1, buffer.AsSpan(i, length));
                    i += length;
                }
                if (end) return new RqaException($"{path}: invalid UTF-8");
                // Keep the unfinished character (at most 3 bytes) for the next read.
                Array.Copy(buffer, i, buffer, 0, count - i);
                bufferStart += i;
                count -= i;
            }
        }
    }

    static RqaException Located(string path, int line, long byteOfLine, ReadOnlySpan<byte> invalid)
    {
        var shown = string.Join(" ", invalid.ToArray().Select(b => $"0x{b:X2}"));
        // FF FE or FE FF opening a file is a UTF-16 byte order mark: the one fix worth naming.
        var hint = line == 1 && byteOfLine == 1 && invalid[0] is 0xFF or 0xFE ? "; the file looks like UTF-16: save it as UTF-8" : "";
        return new RqaException($"{path}:{line}: invalid UTF-8 at byte {byteOfLine} of the line ({shown}){hint}");
    }
}
