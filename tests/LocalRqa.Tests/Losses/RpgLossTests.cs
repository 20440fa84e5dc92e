using LocalRqa.Losses;
using LocalRqa.Training.Rpg;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Losses;

public sealed class RpgLossTests
{
    [Fact]
    public void KlDivergenceMatchesHandComputedValues()
    {
        // Question 1: LM scores [0.5, 0.5] → P_LM = [1/2, 1/2]; retrieval logits [0, ln 3] → P_R = [1/4, 3/4].
        //   KL = 1/2·ln(1/2 ÷ 1/4) + 1/2·ln(1/2 ÷ 3/4) = 1/2·ln(4/3) = 0.1438410
        // Question 2: LM scores [0, 0.1·ln 3] / 0.1 = [0, ln 3] → P_LM = [1/4, 3/4]; logits [0, 0] → P_R = [1/2, 1/2].
        //   KL = 1/4·ln(1/2) + 3/4·ln(3/2) = −0.1732868 + 0.3040988 = 0.1308120
        // Batch mean: (0.1438410 + 0.1308120) / 2 = 0.1373265
        using var scope = NewDisposeScope();
        var retrieval = tensor(new[] { 0f, (float)Math.Log(3), 0f, 0f }, [2, 2]);
        var lm = tensor(new[] { 0.5f, 0.5f, 0f, (float)(0.1 * Math.Log(3)) }, [2, 2]);
        var loss = RpgLoss.Compute(retrieval, lm, lmTemperature: 0.1).item<float>();
        // log_softmax of two float32 logits ≤ ln 3: KL to a few ulp of the logs (≈1e-7); hand value to 5e-8.
        Assert.Equal(0.1373265, loss, 1e-6);
    }

    [Fact]
    public void IdenticalDistributionsGiveZeroAndGradientsReachTheRetrievalScores()
    {
        using var scope = NewDisposeScope();
        var retrieval = tensor(new[] { 1f, 2f, 3f }, [1, 3]).requires_grad_();
        var lm = tensor(new[] { 0.1f, 0.2f, 0.3f }, [1, 3]); // / 0.1 = the same logits
        var loss = RpgLoss.Compute(retrieval, lm, lmTemperature: 0.1);
        // 0.1f..0.3f / 0.1 is [1, 2, 3] only to ~1e-7: the KL is 0 up to float32 rounding of the log-probs (≈1e-7).
        Assert.Equal(0, loss.item<float>(), 1e-6);
        loss.backward();
        Assert.NotNull(retrieval.grad);
    }

    [Fact]
    public void RetrievalScoresAreCosineOverTheTemperature()
    {
        // q = [1, 0]; passages [2, 0], [0, 3], [1, 1]: cosines 1, 0, 1/√2; over γ = 0.5: 2, 0, √2.
        using var scope = NewDisposeScope();
        var q = tensor(new[] { 1f, 0f }, [1, 2]);
        var p = tensor(new[] { 2f, 0f, 0f, 3f, 1f, 1f }, [1, 3, 2]);
        var scores = RpgLoss.Scores(q, p, 0.5).data<float>().ToArray();
        Assert.Equal([2, 0, Math.Sqrt(2)], scores.Select(s => (double)s), (a, b) => Math.Abs(a - b) < 1e-5);
    }
}
