using LocalRqa.Runtime;
using LocalRqa.Training.Optimization;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Optimization;

public sealed class GradientClippingTests
{
    public GradientClippingTests() => TorchRuntime.Initialize();

    /// <summary>Two parameters whose gradients are [3, 0] and [4]: global norm sqrt(9 + 0 + 16) = 5.</summary>
    static (TorchSharp.Modules.Parameter A, TorchSharp.Modules.Parameter B) WithGradients()
    {
        var a = nn.Parameter(zeros(2));
        var b = nn.Parameter(zeros(1));
        ((a * tensor(new[] { 3f, 0f })).sum() + (b * 4f).sum()).backward();
        return (a, b);
    }

    static float[] Grad(TorchSharp.Modules.Parameter p) => p.grad!.data<float>().ToArray();

    [Fact]
    public void ReturnsThePreClipNormAndScalesToMaxNorm()
    {
        using var scope = NewDisposeScope();
        var (a, b) = WithGradients();
        var norm = GradientClipping.ClipGradNorm([a, b], maxNorm: 1.0);
        Assert.Equal(5.0, norm, 1e-6);
        // Scale 1 / (5 + 1e-6): [3, 0] → [0.6, 0], [4] → [0.8].
        Assert.Equal(0.6f, Grad(a)[0], 1e-6f);
        Assert.Equal(0f, Grad(a)[1]); // 0 × any scale is exactly 0
        Assert.Equal(0.8f, Grad(b)[0], 1e-6f);
    }

    [Fact]
    public void LeavesSmallGradientsAlone()
    {
        using var scope = NewDisposeScope();
        var (a, b) = WithGradients();
        Assert.Equal(5.0, GradientClipping.ClipGradNorm([a, b], maxNorm: 10.0), 1e-6);
        // Exact: below max_norm the gradients are left alone (or scaled by exactly 1).
        Assert.Equal([3f, 0f], Grad(a));
        Assert.Equal([4f], Grad(b));
    }

    [Fact]
    public void NoGradientsGiveZero()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0.0, GradientClipping.ClipGradNorm([nn.Parameter(ones(2))], maxNorm: 1.0));
    }
}
