using System.Text.Json;
using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>
/// Every fixture folder with a tokenizer.json and reference.json "tokenizer_cases" (ids from HF AutoTokenizer):
/// our ids must be the reference's. The case list is read from the files, so another fixture set (RQA_FIXTURES)
/// is checked the same way.
/// </summary>
[Trait("Category", "ReferenceParity")]
public class FixtureTokenizerParityTests
{
    /// <summary>The fixtures this task was built against; each must exist in the default fixture set.</summary>
    [Theory]
    [InlineData("t5-v1_1-tiny")]
    [InlineData("t5-tiny-tied")]
    [InlineData("llama-tiny")]
    [InlineData("qwen2-tiny")]
    [InlineData("stablelm-tiny")]
    public void NamedFixtureMatchesReferenceCases(string name)
    {
        string folder = TestPaths.Fixture(name);
        if (!Directory.Exists(folder) && Environment.GetEnvironmentVariable("RQA_FIXTURES") is { Length: > 0 }) return;
        Assert.True(AssertCasesMatch(folder) > 0, $"{name}: no tokenizer_cases");
    }

    public static TheoryData<string> AllFixturesWithCases()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(TestPaths.FixturesRoot)) return data;
        foreach (var dir in Directory.GetDirectories(TestPaths.FixturesRoot).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "tokenizer.json")) && File.Exists(Path.Combine(dir, "reference.json")))
                data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllFixturesWithCases))]
    public void EveryFixtureMatchesReferenceCases(string name) => AssertCasesMatch(TestPaths.Fixture(name));

    /// <summary>Checks every case and returns how many there were.</summary>
    private static int AssertCasesMatch(string folder)
    {
        var tokenizer = TokenizerLoader.FromFolder(folder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "reference.json")));
        if (!doc.RootElement.TryGetProperty("tokenizer_cases", out var cases)) return 0;
        int count = 0;
        foreach (var c in cases.EnumerateArray())
        {
            string text = c.GetProperty("text").GetString()!;
            int[] expected = c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var encoded = tokenizer.Encode(text);
            Assert.True(expected.SequenceEqual(encoded.Ids),
                $"{Path.GetFileName(folder)} '{text}': expected [{string.Join(", ", expected)}], got [{string.Join(", ", encoded.Ids)}]" +
                $" ({string.Join(" ", tokenizer.Tokenize(text))})");
            if (c.TryGetProperty("attention_mask", out var mask)) Assert.Equal(mask.GetArrayLength(), encoded.Ids.Length);
            count++;
        }
        return count;
    }

    [Fact]
    public void T5FixtureDecodesBackToText()
    {
        var tokenizer = (PipelineTokenizer)TokenizerLoader.FromFolder(TestPaths.Fixture("t5-v1_1-tiny"));
        var ids = tokenizer.Encode("how do i reset my password?").Ids;
        Assert.Equal("how do i reset my password?", tokenizer.Decode(ids));
        Assert.Equal("how do i reset my password?</s>", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal(tokenizer.TokenToId("<pad>"), tokenizer.PadTokenId);
    }

    [Fact]
    public void ByteLevelFixtureDecodesBackToText()
    {
        var tokenizer = (PipelineTokenizer)TokenizerLoader.FromFolder(TestPaths.Fixture("llama-tiny"));
        const string text = "<|user|>\nWhat is the showroom?<|endoftext|>\n<|assistant|>\n";
        var ids = tokenizer.Encode(text).Ids;
        Assert.Equal(text, tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("\nWhat is the showroom?\n\n", tokenizer.Decode(ids));
        // No pad token anywhere: eos pads, as causal-LM fine-tuning does.
        Assert.Equal(tokenizer.TokenToId("<|endoftext|>"), tokenizer.PadTokenId);
    }
}
