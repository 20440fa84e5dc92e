using System.Text;
using LocalRqa.Files;

namespace LocalRqa.Tests.Files;

/// <summary>Strict UTF-8 reading: where an invalid byte is reported, and that valid text reads as .NET's readers read it.</summary>
public sealed class Utf8TextFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-utf8-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string Write(string name, params byte[][] parts)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, parts.SelectMany(p => p).ToArray());
        return path;
    }

    static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Both ways of reading a file fail with the same message.</summary>
    static void AssertRefused(string path, string expected)
    {
        Assert.Equal(expected, Assert.Throws<RqaException>(() => Utf8TextFile.ReadLines(path).ToList()).Message);
        Assert.Equal(expected, Assert.Throws<RqaException>(() => Utf8TextFile.ReadAllText(path)).Message);
    }

    [Fact]
    public void AnInvalidByteIsNamedByLineAndByteOfTheLine()
    {
        // Line 3 is "é 日本 x" then FF FE: é is 2 bytes, 日本 6, the spaces and x 3, so FF is byte 12 of the line.
        var path = Write("bad.jsonl", Text("one\ntwo\né 日本 x"), [0xFF, 0xFE], Text("\nfour\n"));
        AssertRefused(path, $"{path}:3: invalid UTF-8 at byte 12 of the line (0xFF)");
    }

    [Fact]
    public void LinesEndAtCrLfCrOrLfAsTheLineReadersCount()
    {
        // "a" CRLF "b" CR "c" LF, then a lead byte C3 followed by '(' on line 4: StreamReader.ReadLine gives 4 lines first.
        var path = Write("endings.txt", Text("a\r\nb\rc\n"), [0xC3], Text("(\n"));
        Assert.Equal(["a", "b", "c"], File.ReadLines(path).Take(3));
        AssertRefused(path, $"{path}:4: invalid UTF-8 at byte 1 of the line (0xC3)");
    }

    [Fact]
    public void AByteOrderMarkCountsAmongTheFirstLinesBytes()
    {
        var path = Write("bom.txt", Bom, Text("ab"), [0x80]);
        AssertRefused(path, $"{path}:1: invalid UTF-8 at byte 6 of the line (0x80)");
    }

    [Fact]
    public void ACharacterCutShortByTheEndOfTheFileIsInvalid()
    {
        // 日 is E6 97 A5; the file ends after its first two bytes.
        var path = Write("cut.txt", Text("ok\n"), [0xE6, 0x97]);
        AssertRefused(path, $"{path}:2: invalid UTF-8 at byte 1 of the line (0xE6 0x97)");
    }

    [Fact]
    public void SurrogatesAndOverlongFormsAreInvalid()
    {
        // ED A0 80 would be the lone surrogate U+D800; C0 AF an overlong '/'.
        var surrogate = Write("surrogate.txt", Text("x"), [0xED, 0xA0, 0x80]);
        AssertRefused(surrogate, $"{surrogate}:1: invalid UTF-8 at byte 2 of the line (0xED)");
        var overlong = Write("overlong.txt", [0xC0, 0xAF]);
        AssertRefused(overlong, $"{overlong}:1: invalid UTF-8 at byte 1 of the line (0xC0)");
    }

    [Fact]
    public void AnInvalidByteFarIntoALargeFileIsLocated()
    {
        // 3,000 lines of 3-byte characters (about 270 KB): characters straddle every read buffer's end.
        var line = Text(string.Concat(Enumerable.Repeat("日本語", 10)) + "\n");
        var path = Write("large.txt", Enumerable.Repeat(line, 2999).SelectMany(l => l).ToArray(), Text("日本"), [0xFE], Text("\n"));
        AssertRefused(path, $"{path}:3000: invalid UTF-8 at byte 7 of the line (0xFE)");
    }

    [Fact]
    public void AUtf16FileIsRefusedWithAHint()
    {
        var path = Write("utf16.jsonl", [0xFF, 0xFE], Encoding.Unicode.GetBytes("{\"text\": \"a\"}\n"));
        AssertRefused(path, $"{path}:1: invalid UTF-8 at byte 1 of the line (0xFF); the file looks like UTF-16: save it as UTF-8");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ValidTextReadsAsDotNetsReadersReadIt(bool bom)
    {
        var text = "{\"text\": \"café\"}\r\n\n{\"text\": \"日本\"}\n{\"text\": \"😀 \\u00e9\"}\r\u2028end";
        var path = Write("valid.jsonl", bom ? Bom : [], Text(text));

        Assert.Equal(File.ReadLines(path), Utf8TextFile.ReadLines(path));
        Assert.Equal(["{\"text\": \"café\"}", "", "{\"text\": \"日本\"}", "{\"text\": \"😀 \\u00e9\"}", "\u2028end"],
            Utf8TextFile.ReadLines(path));
        Assert.Equal(File.ReadAllText(path), Utf8TextFile.ReadAllText(path));
        Assert.Equal(text, Utf8TextFile.ReadAllText(path));
        Assert.Equal(Text(text), Utf8TextFile.ReadAllBytes(path).ToArray()); // the BOM is not part of the text
    }
}
