using LocalRqa.Modeling.CausalLm;
using LocalRqa.Runtime;
using LocalRqa.Teachers.LanguageModel;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>Our causal LMs against outputs an independent implementation computed from the same weights.</summary>
[Trait("Category", "ReferenceParity")]
public class CausalLmReferenceParityTests
{
    public CausalLmReferenceParityTests() => TorchRuntime.Initialize();

    public static TheoryData<string> Fixtures() => CausalLmFixtures.Names();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PaddedBatchLogitsMatchTheReferenceOnRealTokens(string fixture)
    {
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.FromPretrained(folder);
        var batch = reference.Root["batch"]!;
        var ids = ReferenceFile.LongMatrix(batch["input_ids"]!);
        var mask = ReferenceFile.LongMatrix(batch["attention_mask"]!);

        using var _ = no_grad();
        var logits = model.forward(ids, mask);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        CausalLmFixtures.AssertCloseOnValidPositions(ReferenceFile.FloatTensor(batch["logits"]!), logits, mask, reference.ToleranceAbs, $"{fixture} logits");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void AnswerLikelihoodMatchesTheReference(string fixture)
    {
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        var node = reference.Root["answer_likelihood"]!;
        var prompt = node["prompt_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var answer = node["answer_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.FromPretrained(folder);

        var scored = new AnswerLikelihoodScorer(model, maxAnswerTokens: answer.Length).Score([(prompt, answer)], prompt.Length + answer.Length).Single();

        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(node["token_logprobs"]!), tensor(scored.TokenLogProbs), reference.ToleranceAbs, $"{fixture} token_logprobs");
        Assert.True(Math.Abs(node["mean_logprob"]!.GetValue<double>() - scored.MeanLogProb) <= reference.ToleranceAbs,
            $"{fixture} mean_logprob: expected {node["mean_logprob"]}, got {scored.MeanLogProb}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void BFloat16WeightsGiveLogitsCloseToFloat32(string fixture)
    {
        var folder = TestPaths.Fixture(fixture);
        var batch = new ReferenceFile(folder).Root["batch"]!;
        using var scope = NewDisposeScope();
        using var full = CausalLanguageModel.FromPretrained(folder);
        using var half = CausalLanguageModel.FromPretrained(folder, ScalarType.BFloat16);
        var ids = ReferenceFile.LongMatrix(batch["input_ids"]!);
        var mask = ReferenceFile.LongMatrix(batch["attention_mask"]!);

        using var _ = no_grad();
        Assert.All(half.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        var expected = full.forward(ids, mask);
        var actual = half.forward(ids, mask);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        // bfloat16 keeps 8 bits of mantissa (relative step 2^-8 ≈ 0.004); errors compound over the layers, so
        // the bound scales with the logits' magnitude.
        var magnitude = expected.abs().max().item<float>();
        CausalLmFixtures.AssertCloseOnValidPositions(expected, actual, mask, 0.05 * Math.Max(1.0, magnitude), $"{fixture} bfloat16 logits");
    }
}
