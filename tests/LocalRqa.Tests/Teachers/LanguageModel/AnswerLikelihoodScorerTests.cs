using LocalRqa.Modeling.CausalLm;
using LocalRqa.Runtime;
using LocalRqa.Teachers.LanguageModel;
using LocalRqa.Tests.Modeling;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Teachers.LanguageModel;

/// <summary>
/// Batching, masking and truncation of answer scoring, checked against the LM run on one unpadded sequence
/// at a time (whose log-softmax is computed here from the full logits).
/// </summary>
public sealed class AnswerLikelihoodScorerTests : IDisposable
{
    readonly string folder = TestPaths.Fixture("llama-tiny");
    readonly CausalLanguageModel model;
    readonly int[] prompt;
    readonly int[] answer;

    public AnswerLikelihoodScorerTests()
    {
        TorchRuntime.Initialize();
        model = CausalLanguageModel.FromPretrained(folder);
        var node = new ReferenceFile(folder).Root["answer_likelihood"]!;
        prompt = node["prompt_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        answer = node["answer_ids"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
    }

    public void Dispose() => model.Dispose();

    /// <summary>log p(answer[t] | sequence before it) from one unpadded, unmasked forward pass.</summary>
    float[] Unbatched(int[] promptIds, int[] answerIds)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(promptIds.Concat(answerIds).Select(i => (long)i).ToArray()).unsqueeze(0);
        var logProbs = model.forward(ids, ones_like(ids))[0].log_softmax(-1); // [T, V]
        return answerIds.Select((token, t) => logProbs[promptIds.Length + t - 1, token].item<float>()).ToArray();
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void ABatchOfDifferentLengthsScoresLikeEachPairAlone()
    {
        var shortPrompt = prompt[^Math.Min(5, prompt.Length)..];
        var shortAnswer = answer[..Math.Min(3, answer.Length)];
        (int[], int[])[] pairs = [(shortPrompt, answer), (prompt, shortAnswer), (prompt, answer)];
        var maxLength = prompt.Length + answer.Length;

        var scored = new AnswerLikelihoodScorer(model, maxAnswerTokens: answer.Length).Score(pairs, maxLength);

        for (var i = 0; i < pairs.Length; i++)
        {
            var expected = Unbatched(pairs[i].Item1, pairs[i].Item2);
            AssertClose(expected, scored[i].TokenLogProbs, $"pair {i}");
            Assert.Equal(expected.Average(), scored[i].MeanLogProb, 1e-4); // a mean of values each within AssertClose's 1e-4
        }
    }

    [Fact]
    public void AnEosIdInsideThePromptIsNotMasked()
    {
        // The fixture pads with its eos id; the mask must come from lengths, so an eos token inside the prompt
        // counts as context. A longer second pair forces padding after the first.
        var eos = CausalLmFixtures.EosTokenId(folder);
        var withEos = prompt[..Math.Max(1, prompt.Length / 2)].Append(eos).Concat(prompt[(prompt.Length / 2)..]).ToArray();
        var shortAnswer = answer[..Math.Min(4, answer.Length)];
        (int[], int[])[] pairs = [(withEos[..(withEos.Length / 2 + 2)], shortAnswer), (withEos, answer)];

        var sequences = pairs.Select(p => AnswerSequence.Build(p.Item1, p.Item2, 1000, 1000)).ToArray();
        var (ids, mask) = AnswerLikelihoodScorer.RightPadded(sequences);
        using (ids)
        using (mask)
        {
            Assert.Equal(sequences.Select(s => (long)s.Length), mask.sum(1).data<long>().ToArray());
            Assert.Equal(0L, mask[0, sequences[0].Length].item<long>());
        }

        var scored = new AnswerLikelihoodScorer(model, 1000).Score(pairs, 1000);
        for (var i = 0; i < pairs.Length; i++)
            AssertClose(Unbatched(pairs[i].Item1, pairs[i].Item2), scored[i].TokenLogProbs, $"pair {i}");
    }

    [Fact]
    public void ALongPromptIsCutFromTheLeftBeforeScoring()
    {
        // Room for 7 prompt tokens: the scorer must see exactly the last 7.
        var keep = Math.Min(7, prompt.Length - 1);
        var maxLength = answer.Length + keep;

        var scored = new AnswerLikelihoodScorer(model, answer.Length).Score([(prompt, answer)], maxLength).Single();

        AssertClose(Unbatched(prompt[^keep..], answer), scored.TokenLogProbs, "truncated");
    }

    [Fact]
    public void OnlyTheFirstMaxAnswerTokensAreScored()
    {
        var cap = Math.Max(1, answer.Length / 2);
        var scored = new AnswerLikelihoodScorer(model, cap).Score([(prompt, answer)], prompt.Length + answer.Length).Single();
        AssertClose(Unbatched(prompt, answer[..cap]), scored.TokenLogProbs, "capped");
    }

    [Fact]
    public void MeanLogProbsAreTheMeansOfTheTokenValues()
    {
        var scorer = new AnswerLikelihoodScorer(model);
        var means = scorer.MeanLogProbs([(prompt, answer)], 512);
        var tokens = scorer.Score([(prompt, answer)], 512).Single().TokenLogProbs;
        // One batch scored twice in one process, then a C# mean cast to float: within an ulp or two (≈1e-6 relative).
        Tolerance.Close(tokens.Average(), means.Single(), relative: 1e-6, what: "mean log-prob");
        Assert.True(means.Single() < 0);
    }

    [Fact]
    public void TokenIdsOutsideTheVocabularyAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AnswerLikelihoodScorer(model).Score([([1], [model.Settings.VocabSize])], 16));
        Assert.Contains("vocabulary", error.Message);
    }
}
