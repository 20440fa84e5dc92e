using System.Text.Json;
using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>Ids must equal those the reference implementation produced for the bert-tiny fixture, through both files.</summary>
[Trait("Category", "ReferenceParity")]
public class ReferenceParityTests
{
    private static string BertTiny => TestPaths.Fixture("bert-tiny");

    [Fact]
    public void VocabTxtMatchesReferenceCases() => AssertAllCasesMatch(TokenizerLoader.FromVocabFile(Path.Combine(BertTiny, "vocab.txt")));

    [Fact]
    public void TokenizerJsonMatchesReferenceCases() => AssertAllCasesMatch(TokenizerLoader.FromTokenizerJson(Path.Combine(BertTiny, "tokenizer.json")));

    [Fact]
    public void FolderPrefersTokenizerJsonAndReadsConfig()
    {
        var tokenizer = TokenizerLoader.FromFolder(BertTiny);
        Assert.IsType<PipelineTokenizer>(tokenizer);
        Assert.Equal(64, tokenizer.ModelMaxLength);
        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.Equal(38, tokenizer.VocabSize);
        Assert.Equal(2, tokenizer.TokenToId("[CLS]"));
        Assert.Equal("##room", tokenizer.IdToToken(37));
        AssertAllCasesMatch(tokenizer);
    }

    private static void AssertAllCasesMatch(ITextTokenizer tokenizer)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(BertTiny, "reference.json")));
        var cases = doc.RootElement.GetProperty("tokenizer_cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            string text = c.GetProperty("text").GetString()!;
            int[] expected = c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var encoded = tokenizer.Encode(text);
            Assert.True(expected.SequenceEqual(encoded.Ids),
                $"'{text}': expected [{string.Join(", ", expected)}], got [{string.Join(", ", encoded.Ids)}]");
            Assert.All(encoded.TypeIds, t => Assert.Equal(0, t));
        }
    }
}
