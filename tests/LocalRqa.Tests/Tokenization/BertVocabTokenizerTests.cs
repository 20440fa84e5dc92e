using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>Hand-computed BertTokenizer cases on a small vocab; ids are line numbers of <see cref="Vocab"/>.</summary>
public class BertVocabTokenizerTests
{
    private static readonly string[] Vocab =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0-4
        "hello", "world", "cafe", "café", "naive", // 5-9
        "中", "文", "abc", "don", "'", // 10-14
        "t", "!", "$", "5", "a", // 15-19
        "##a", "un", "##able", "-", "[", // 20-24
        "sep", "]", "Hello", "–", "b", // 25-29
    ];

    private static ITextTokenizer Bert(BertTokenizerOptions? options = null)
    {
        var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", Vocab) + "\n"));
        return TokenizerLoader.FromVocab(stream, options ?? new BertTokenizerOptions());
    }

    private static string Tokens(ITextTokenizer t, string text) => string.Join(" ", t.Tokenize(text));

    [Fact]
    public void LowerCasesAndStripsAccents() => Assert.Equal("hello world cafe naive", Tokens(Bert(), "HÉLLO World Café NAÏVE"));

    [Fact]
    public void StripAccentsFalseKeepsThemWhileLowerCasing() =>
        Assert.Equal("café", Tokens(Bert(new BertTokenizerOptions { StripAccents = false }), "CAFÉ"));

    [Fact]
    public void CasedModelComposesDecomposedAccentsFirst()
    {
        // transformers' BasicTokenizer NFC-normalizes: "e" + U+0301 becomes "é" and matches the vocab entry.
        var cased = Bert(new BertTokenizerOptions { DoLowerCase = false });
        Assert.Equal("café Hello", Tokens(cased, "cafe\u0301 Hello"));
    }

    [Fact]
    public void SplitsCjkIdeographsIntoWords()
    {
        Assert.Equal("中 文 abc", Tokens(Bert(), "中文abc"));
        Assert.Equal("[UNK]", Tokens(Bert(new BertTokenizerOptions { TokenizeChineseChars = false }), "中文abc"));
    }

    [Fact]
    public void SplitsPunctuationIncludingAsciiSymbols()
    {
        Assert.Equal("don ' t !", Tokens(Bert(), "don't!"));
        Assert.Equal("$ 5", Tokens(Bert(), "$5"));
        Assert.Equal("a – b - a", Tokens(Bert(), "a–b-a")); // en dash is Pd
    }

    [Fact]
    public void CleansControlsAndTreatsTabsAndNewlinesAsSpace() =>
        // NUL and the zero-width space (Cf) vanish, so "un", "ab" and "le" join into one word.
        Assert.Equal("un ##able hello world", Tokens(Bert(), "un\u0000ab\u200Ble\nhello\tworld"));

    [Fact]
    public void UnmatchedRemainderMakesTheWholeWordUnknown() => Assert.Equal("[UNK] hello", Tokens(Bert(), "unablex hello"));

    [Fact]
    public void WordsLongerThanMaxInputCharsAreUnknown()
    {
        var t = Bert();
        Assert.Equal(100, t.Tokenize(new string('a', 100)).Count); // a ##a ×99
        Assert.Equal(["[UNK]"], t.Tokenize(new string('a', 101)));
        Assert.Equal(["[UNK]"], Bert(new BertTokenizerOptions { MaxInputCharsPerWord = 3 }).Tokenize("aaaa"));
    }

    [Fact]
    public void TruncationKeepsClsAndSep()
    {
        var t = Bert();
        Assert.Equal([2, 5, 6, 3], t.Encode("hello world cafe naive", maxLength: 4).Ids);
        Assert.Equal([5, 6], t.Encode("hello world cafe naive", maxLength: 2, addSpecialTokens: false).Ids);
        Assert.Equal([2, 5, 6, 7, 9, 3], t.Encode("hello world cafe naive", maxLength: 512).Ids);
        Assert.Throws<RqaException>(() => t.Encode("hello", maxLength: 1));
    }

    [Fact]
    public void SpecialTokensInTextAreNeverSplit()
    {
        var t = Bert();
        Assert.Equal([2, 5, 3, 6, 3], t.Encode("hello [SEP] world").Ids);
        Assert.Equal([2, 5, 3, 6, 3], t.Encode("hello[SEP]world").Ids);
        // Matching is case-sensitive, before lower-casing, as in transformers.
        Assert.Equal("[ sep ]", Tokens(t, "[sep]"));
        Assert.Equal(Enumerable.Repeat(0, 5), t.Encode("hello [SEP] world").TypeIds);
    }

    [Fact]
    public void ExposesVocabAndSpecialIds()
    {
        var t = Bert();
        Assert.Equal(30, t.VocabSize);
        Assert.Equal(0, t.PadTokenId);
        Assert.Equal(22, t.TokenToId("##able"));
        Assert.Null(t.TokenToId("nope"));
        Assert.Equal("[MASK]", t.IdToToken(4));
        Assert.Null(t.ModelMaxLength);
    }
}
