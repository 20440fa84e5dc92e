using LocalRqa.Losses;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Losses;

/// <summary>
/// Two queries, three candidates (two positives, one hard negative), temperature T = 0.5, every number by hand:
/// <code>
/// q1 = [1, 0]   q2 = [0, 2]
/// c1 = [1, 0] (q1's positive)   c2 = [1, 1] (q2's positive)   n = [0, 1] (hard negative)
/// </code>
/// loss_i = −s_ii + log Σ_j exp(s_ij), loss = mean over i.
/// </summary>
public sealed class ContrastiveLossTests
{
    public ContrastiveLossTests() => TorchRuntime.Initialize();

    static Tensor Queries() => tensor(new float[,] { { 1, 0 }, { 0, 2 } }); // [2, 2]
    static Tensor Candidates() => tensor(new float[,] { { 1, 0 }, { 1, 1 }, { 0, 1 } }); // [3, 2]

    static double[] Row(Tensor logits, int i) => logits[i].to_type(ScalarType.Float64).data<double>().ToArray();

    static void AssertRow(double[] expected, Tensor logits, int i)
    {
        var actual = Row(logits, i);
        Assert.Equal(expected.Length, actual.Length);
        // Scores ≤ 4 from 2-term float32 dot products (and a row normalisation for cosine): within a few ulp (ulp(4) = 4.8e-7).
        for (var j = 0; j < expected.Length; j++) Assert.Equal(expected[j], actual[j], 1e-6);
    }

    [Fact]
    public void DotProductLossMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        // q·c:  q1 → [1, 1, 0]   q2 → [0, 2, 2];  / T = 0.5:  s1 = [2, 2, 0]   s2 = [0, 4, 4]
        var logits = ContrastiveLoss.Logits(Queries(), Candidates(), 0.5);
        AssertRow([2, 2, 0], logits, 0);
        AssertRow([0, 4, 4], logits, 1);
        // loss1 = −2 + log(e² + e² + 1) = log(2 + e⁻²)     = 0.7586237
        // loss2 = −4 + log(1 + e⁴ + e⁴) = log(2 + e⁻⁴)     = 0.7022633
        // mean  = (0.7586237 + 0.7022633) / 2                = 0.7304435
        var loss = ContrastiveLoss.Compute(Queries(), Candidates(), 0.5);
        Assert.Empty(loss.shape);
        // Cross-entropy over float32 scores ≤ 4: a few ulp of the log-sum-exp (ulp(4.7) = 4.8e-7); hand value to 5e-8.
        Assert.Equal(0.7304435, loss.item<float>(), 2e-6);
    }

    [Fact]
    public void CosineNormalisesBothSidesFirst()
    {
        using var scope = NewDisposeScope();
        // unit rows: q2 → [0, 1], c2 → [1/√2, 1/√2]
        // cos:  q1 → [1, 1/√2, 0]   q2 → [0, 1/√2, 1];  / T = 0.5:  s1 = [2, √2, 0]   s2 = [0, √2, 2]
        var logits = ContrastiveLoss.Logits(Queries(), Candidates(), 0.5, ContrastiveSimilarity.Cosine);
        AssertRow([2, Math.Sqrt(2), 0], logits, 0);
        AssertRow([0, Math.Sqrt(2), 2], logits, 1);
        // loss1 = −2  + log(e² + e^√2 + 1) = 0.5259131
        // loss2 = −√2 + log(1 + e^√2 + e²) = 1.1116996   (q2's positive now scores below the hard negative)
        // mean  = 0.8188064
        var loss = ContrastiveLoss.Compute(Queries(), Candidates(), 0.5, ContrastiveSimilarity.Cosine);
        // Cross-entropy over float32 scores ≤ 2: a few ulp of the log-sum-exp; hand value to 5e-8.
        Assert.Equal(0.8188064, loss.item<float>(), 2e-6);
    }

    [Fact]
    public void MaskedCandidateDropsOutOfTheDenominator()
    {
        using var scope = NewDisposeScope();
        // Mask c2 for q1 (say c2 were another copy of q1's gold passage):
        // s1 = [2, −∞, 0]: loss1 = −2 + log(e² + 0 + 1) = log(1 + e⁻²) = 0.1269280   (was 0.7586237 with e² from c2)
        // loss2 unchanged                                                   = 0.7022633
        // mean = (0.1269280 + 0.7022633) / 2                                = 0.4145957
        var mask = tensor(new bool[,] { { false, true, false }, { false, false, false } }); // [2, 3]
        var logits = ContrastiveLoss.Logits(Queries(), Candidates(), 0.5, mask: mask);
        Assert.True(double.IsNegativeInfinity(Row(logits, 0)[1]));
        AssertRow([0, 4, 4], logits, 1);
        var loss = ContrastiveLoss.Compute(Queries(), Candidates(), 0.5, mask: mask);
        // Cross-entropy over float32 scores ≤ 4 (−∞ contributes an exact 0): a few ulp; hand value to 5e-8.
        Assert.Equal(0.4145957, loss.item<float>(), 2e-6);
    }

    [Fact]
    public void MaskingAQuerysOwnPositiveIsRefused()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new bool[,] { { false, false, false }, { false, true, false } }); // masks (1, 1)
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(Queries(), Candidates(), 0.5, mask: mask));
    }

    [Fact]
    public void ShapesAreChecked()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(Queries(), Candidates()[..1], 0.5)); // C < B
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(Queries(), zeros(3, 4), 0.5)); // H differs
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(Queries(), Candidates(), 0)); // T = 0
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Compute(Queries(), Candidates(), 0.5, mask: zeros(2, 3))); // not bool
    }

    [Fact]
    public void GradientsReachBothSidesAndMaskedScoresGetNone()
    {
        using var scope = NewDisposeScope();
        var queries = Queries().requires_grad_(); // [2, 2]
        var candidates = Candidates().requires_grad_(); // [3, 2]
        var mask = tensor(new bool[,] { { false, true, false }, { false, false, false } }); // [2, 3]
        var logits = ContrastiveLoss.Logits(queries, candidates, 0.5, mask: mask); // [2, 3]
        logits.retain_grad();
        nn.functional.cross_entropy(logits, tensor(new long[] { 0, 1 })).backward();

        Assert.NotNull(queries.grad);
        Assert.NotNull(candidates.grad);
        Assert.True(queries.grad!.isfinite().all().item<bool>());
        Assert.True(candidates.grad!.isfinite().all().item<bool>());
        Assert.True(queries.grad.abs().sum().item<float>() > 0);
        // ∂loss/∂s_ij = (softmax_ij − [j = i]) / B; a masked entry has softmax 0 and j ≠ i, so 0.
        // Exact on any kernel: exp(−∞) is exactly 0 in IEEE arithmetic, so the masked entry's gradient is (0 − 0) / 2.
        Assert.Equal(0, logits.grad![0, 1].item<float>());
        // q1's row without c2: softmax = [e², 1] / (e² + 1) = [0.8807971, 0.1192029];
        // ∂/∂s_10 = (0.8807971 − 1) / 2 = −0.0596014,  ∂/∂s_12 = 0.1192029 / 2 = 0.0596014
        // Softmax of two float32 scores, then (p − 1) / 2: error ≲ ulp(1) / 2 = 6e-8; hand values to 5e-8.
        Assert.Equal(-0.0596014, logits.grad[0, 0].item<float>(), 5e-7);
        Assert.Equal(0.0596014, logits.grad[0, 2].item<float>(), 5e-7);
    }
}
