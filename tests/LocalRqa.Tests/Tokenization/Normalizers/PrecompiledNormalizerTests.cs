using System.Text.Json;
using LocalRqa.Tokenization.Normalizers;

namespace LocalRqa.Tests.Tokenization.Normalizers;

/// <summary>
/// The real t5 precompiled_charsmap (sentencepiece nmt_nfkc; source in Fixtures/tokenizers/README.md). Expected
/// strings are what sentencepiece's NFKC-based rules give: compatibility forms fold to plain ones.
/// </summary>
public sealed class PrecompiledNormalizerTests : IDisposable
{
    private static readonly string NormalizerJson =
        File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "LocalRqa.Tests", "Fixtures", "tokenizers", "t5-precompiled-normalizer.json"));

    private static readonly Lazy<PrecompiledNormalizer> T5 = new(() =>
    {
        using var doc = JsonDocument.Parse(NormalizerJson);
        return PrecompiledNormalizer.FromBase64(doc.RootElement.GetProperty("precompiled_charsmap").GetString()!);
    });

    private readonly TokenizerFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("ＡＢＣ ｘｙｚ １２３", "ABC xyz 123")] // full-width Latin and digits
    [InlineData("ﬁne ﬂow", "fine flow")] // ligatures
    [InlineData("①②", "12")] // circled digits
    [InlineData("™", "TM")]
    [InlineData("x…y", "x...y")]
    [InlineData("ｶﾀｶﾅ", "カタカナ")] // half-width katakana
    [InlineData("a\u3000b", "a b")] // ideographic space
    [InlineData("café", "café")] // already NFC: unchanged
    [InlineData("plain ascii text.", "plain ascii text.")]
    public void FoldsCompatibilityCharacters(string input, string expected) => Assert.Equal(expected, T5.Value.Normalize(input));

    [Fact]
    public void UnchangedAsciiIsReturnedAsIs()
    {
        const string text = "nothing to do here";
        Assert.Same(text, T5.Value.Normalize(text));
    }

    [Fact]
    public void T5StyleTokenizerNormalizesBeforeUnigram()
    {
        // The newer t5 conversion: Sequence[Precompiled, Strip(right), Replace(" {2,}" → "▁")] then Metaspace.
        using var doc = JsonDocument.Parse(NormalizerJson);
        string precompiled = doc.RootElement.GetRawText();
        string normalizer = $$"""
            {"type":"Sequence","normalizers":[{{precompiled}},{"type":"Strip","strip_left":false,"strip_right":true},
              {"type":"Replace","pattern":{"Regex":" {2,}"},"content":"▁"}]}
            """;
        const string vocab = """[["<pad>",0.0],["</s>",0.0],["<unk>",0.0],["▁",-3.0],["▁fine",-2.0],["▁ABC",-2.0],["▁1",-2.0]]""";
        var t = folder.Load($$"""{"type":"Unigram","unk_id":2,"vocab":{{vocab}}}""", normalizer,
            """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""");
        // "ﬁne   ＡＢＣ ① " → "fine   ABC 1 " → "fine   ABC 1" → "fine▁ABC 1" → "▁fine", "▁ABC", "▁1":
        // the run of spaces collapses into the one "▁" that starts the next word.
        Assert.Equal([4, 5, 6], t.Encode("ﬁne   ＡＢＣ ① ").Ids);
    }

    [Theory]
    [InlineData("\"not base64!\"", "normalizer.precompiled_charsmap is not valid base64")]
    [InlineData("\"AAAAAAAA\"", "normalizer.precompiled_charsmap: trie size 0")]
    [InlineData("\"AQ==\"", "normalizer.precompiled_charsmap is too short")]
    [InlineData("5", "normalizer.precompiled_charsmap must be a string, not the number 5")]
    public void BadCharsmapNamesFileAndField(string value, string message)
    {
        var e = Assert.Throws<RqaException>(() => folder.Load("""{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0]]}""",
            $$"""{"type":"Precompiled","precompiled_charsmap":{{value}}}"""));
        Assert.StartsWith(Path.Combine(folder.Path, "tokenizer.json") + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
