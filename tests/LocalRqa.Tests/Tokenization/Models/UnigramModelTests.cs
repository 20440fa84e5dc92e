namespace LocalRqa.Tests.Tokenization.Models;

/// <summary>Unigram segmentation on small vocabularies; the arithmetic of each expected path is in the comments.</summary>
public sealed class UnigramModelTests : IDisposable
{
    private readonly TokenizerFolder folder = new();

    public void Dispose() => folder.Dispose();

    // ids: <unk>=0 a=1 b=2 c=3 ab=4 bc=5 abc=6; min score −4, so an unknown character scores −14.
    private const string Vocab = """[["<unk>",0.0],["a",-1.0],["b",-1.0],["c",-1.0],["ab",-1.5],["bc",-2.5],["abc",-4.0]]""";

    private static string Model(string vocab = Vocab, bool byteFallback = false) =>
        $$"""{"type":"Unigram","unk_id":0,"vocab":{{vocab}},"byte_fallback":{{(byteFallback ? "true" : "false")}}}""";

    [Fact]
    public void ViterbiPicksTheHighestTotalScoreNotTheLongestPiece()
    {
        var t = folder.Load(Model());
        // "abc": a+b+c = −3, ab+c = −2.5, a+bc = −3.5, abc = −4  → ab c
        Assert.Equal([4, 3], t.Encode("abc").Ids);
        // "bc": b+c = −2 beats bc = −2.5
        Assert.Equal([2, 3], t.Encode("bc").Ids);
        // "ab": ab = −1.5 beats a+b = −2
        Assert.Equal([4], t.Encode("ab").Ids);
    }

    [Fact]
    public void ConsecutiveUnknownCharactersFuseIntoOneUnk()
    {
        var t = folder.Load(Model());
        Assert.Equal([0, 4], t.Encode("xyab").Ids);
        Assert.Equal([0, 1, 0], t.Encode("xay").Ids);
        // A surrogate pair is one character, one unk.
        Assert.Equal([1, 0, 2], t.Encode("a\U0001F600b").Ids);
        Assert.Equal([0], t.Encode("\U0001F600\U0001F601z").Ids);
    }

    [Fact]
    public void UnknownPenaltyIsTenBelowTheRarestPiece()
    {
        // "ax": no piece covers "x" alone, but "ax" is a piece of score −30: a+<unk> = −1 + (−30 − 10) = −41 < −30.
        var t = folder.Load(Model("""[["<unk>",0.0],["a",-1.0],["ax",-30.0]]"""));
        Assert.Equal([2], t.Encode("ax").Ids);
        // "xa": x has no piece at all → unk (−40), then a.
        Assert.Equal([0, 1], t.Encode("xa").Ids);
    }

    [Fact]
    public void ByteFallbackSpellsUnknownTextAsUtf8Bytes()
    {
        // é = C3 A9; € = E2 82 AC has no <0xE2> piece, so it stays one unk.
        const string vocab = """[["<unk>",0.0],["<0xC3>",0.0],["<0xA9>",0.0],["<0x82>",0.0],["<0xAC>",0.0],["a",-1.0]]""";
        var t = folder.Load(Model(vocab, byteFallback: true),
            decoder: """{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Fuse"}]}""");
        Assert.Equal([5, 1, 2], t.Encode("aé").Ids);
        // Two unknown characters fuse first, then become their four bytes.
        Assert.Equal([1, 2, 1, 2, 5], t.Encode("ééa").Ids);
        Assert.Equal([5, 0], t.Encode("a€").Ids);
        Assert.Equal("ééa", t.Decode(t.Encode("ééa").Ids));
    }

    [Fact]
    public void MetaspaceWordsAndDecoderRoundTrip()
    {
        const string vocab = """[["<pad>",0.0],["</s>",0.0],["<unk>",0.0],["▁",-3.0],["▁hello",-2.0],["▁world",-2.0],["!",-2.0]]""";
        const string metaspace = """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""";
        var t = folder.Load($$"""{"type":"Unigram","unk_id":2,"vocab":{{vocab}}}""", preTokenizer: metaspace, decoder: metaspace);
        // "hello  world!" → "▁hello", "▁", "▁world!"
        Assert.Equal([4, 3, 5, 6], t.Encode("hello  world!").Ids);
        Assert.Equal("hello  world!", t.Decode(t.Encode("hello  world!").Ids));
    }
}
