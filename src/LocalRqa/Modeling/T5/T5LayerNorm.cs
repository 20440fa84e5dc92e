using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// T5's RMS norm (Zhang &amp; Sennrich 2019): x / sqrt(mean(x²) + eps) · weight, without mean subtraction and
/// without bias. The statistic is computed in float32 so half-precision weights do not lose it.
/// </summary>
public sealed class T5LayerNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double epsilon;

    public T5LayerNorm(int size, double epsilon) : base(nameof(T5LayerNorm))
    {
        weight = new Parameter(ones(size));
        this.epsilon = epsilon;
        RegisterComponents();
    }

    /// <param name="hidden">[..., d_model]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var variance = hidden.to(ScalarType.Float32).pow(2).mean([-1], keepdim: true); // [..., 1]
        var normed = hidden.to(ScalarType.Float32) * (variance + epsilon).rsqrt();
        return (weight * normed.to(weight.dtype)).MoveToOuterDisposeScope();
    }
}
