using LocalRqa.Losses;
using LocalRqa.Runtime;
using LocalRqa.Training.Dca;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Losses;

public sealed class DcaLossTests
{
    public DcaLossTests() => TorchRuntime.Initialize();

    [Fact]
    public void KlDivergenceMatchesHandComputedValues()
    {
        // Question 1: reader [0, ln 3] / T=1 → p = [1/4, 3/4]; scores [0, 0] → q = [1/2, 1/2]:
        //   KL = 1/4 ln(1/4 / 1/2) + 3/4 ln(3/4 / 1/2) = 1/4 ln(1/2) + 3/4 ln(3/2) ≈ 0.130812
        // Question 2: reader [2, 2] / T=0.5 → p = [1/2, 1/2]; scores [ln 3, 0] → q = [3/4, 1/4]:
        //   KL = 1/2 ln(2/3) + 1/2 ln 2 ≈ 0.143841; with T = 0.5 the first row becomes [0, 2 ln 3] → p = [1/10, 9/10]
        using var scores = tensor(new float[] { 0, 0 }, 1, 2);
        using var reader = tensor(new[] { 0f, (float)Math.Log(3) }, 1, 2);
        using var one = DcaLoss.Compute(scores, reader, 1.0);
        // log_softmax of two float32 scores ≤ ln 3: KL ≈ 0.13 to a few ulp of the logs (≈1e-7); float32 ln 3 input: 3e-8.
        Assert.Equal(0.25 * Math.Log(0.5) + 0.75 * Math.Log(1.5), one.item<float>(), 1e-6);

        using var scores2 = tensor(new[] { 0f, 0f, (float)Math.Log(3), 0f }, 2, 2);
        using var reader2 = tensor(new[] { 0f, (float)Math.Log(3), 2f, 2f }, 2, 2);
        using var two = DcaLoss.Compute(scores2, reader2, 0.5);
        var first = 0.1 * Math.Log(0.1 / 0.5) + 0.9 * Math.Log(0.9 / 0.5);
        var second = 0.5 * Math.Log(0.5 / 0.75) + 0.5 * Math.Log(0.5 / 0.25);
        // Batch mean, averaged over questions only; float32 log_softmax of scores ≤ 2 ln 3: a few ulp (≈1e-7).
        Assert.Equal((first + second) / 2, two.item<float>(), 1e-6);
    }

    [Fact]
    public void LocalRqasElementwiseMeanIsOursDividedByN()
    {
        using var scope = NewDisposeScope();
        var generator = manual_seed(1);
        var scores = randn(3, 5);
        var reader = randn(3, 5);
        var ours = DcaLoss.Compute(scores, reader, 0.1).item<float>();
        // torch.nn.KLDivLoss() default: reduction 'mean' over all B·n elements, target as probabilities (TorchSharp defaults log_target to true)
        var target = nn.functional.softmax(reader / 0.1, -1);
        var localRqa = nn.functional.kl_div(nn.functional.log_softmax(scores, -1), target, reduction: nn.Reduction.Mean, log_target: false).item<float>();
        // One KL by two float32 routes (log_softmax vs log of softmax, mean over B vs over B·n): Σ p·(few-ulp log
        // errors) ≲ 5e-7 per question against a KL ≈ 1.4, so a few 1e-7 relative on any kernel.
        Tolerance.Close(ours / 5, localRqa, relative: 2e-6, what: "KL, ours / n vs KLDivLoss mean");
    }

    [Fact]
    public void ScoresAreDotProductsOverRootD()
    {
        using var q = tensor(new float[] { 1, 2, 3, 4 }, 1, 4);
        using var p = tensor(new float[] { 1, 0, 0, 0, 1, 1, 1, 1 }, 1, 2, 4);
        using var s = DcaLoss.Scores(q, p);
        // √4 = 2. Exact on any kernel: small-integer products and sums, then / 2, are exact in float32.
        Assert.Equal([1 / 2f, 10 / 2f], s.data<float>().ToArray());
    }
}
