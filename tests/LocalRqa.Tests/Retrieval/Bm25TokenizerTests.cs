using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Retrieval;

public sealed class Bm25TokenizerTests
{
    [Theory]
    // Punctuation is removed, not replaced: "don't" becomes one token, "e-mail" too.
    [InlineData("Don't e-mail me, please!", new[] { "dont", "email", "me", "please" })]
    // Articles are whole words only: "another" and "theme" keep their letters.
    [InlineData("The theme of an apple is another thing", new[] { "theme", "of", "apple", "is", "another", "thing" })]
    [InlineData("A AN The aN", new string[0])]
    [InlineData("UPPER lower MiXeD", new[] { "upper", "lower", "mixed" })]
    // Runs of spaces, tabs, carriage returns and newlines are all one separator.
    [InlineData("  one\ttwo\r\nthree\n\n  four  ", new[] { "one", "two", "three", "four" })]
    // ", ", "?" and "*" (LocalRQA's extra split characters) are punctuation and vanish first.
    [InlineData("what?*is, this**", new[] { "whatis", "this" })]
    [InlineData("Source: https://x.test/a\nTitle: T\nContent:\nHi", new[] { "source", "httpsxtesta", "title", "t", "content", "hi" })]
    [InlineData("", new string[0])]
    public void SplitsNormalizedText(string text, string[] expected) =>
        Assert.Equal(expected, Bm25Tokenizer.Tokenize(text));

    [Fact]
    public void PythonOnlySeparatorsSplitToo()
    {
        // Python's \s and str.split() both count the information separators \x1c-\x1f as whitespace.
        Assert.Equal(["left", "right"], Bm25Tokenizer.Tokenize("left\x1fright"));
    }
}
