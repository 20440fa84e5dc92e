using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling;

/// <summary>
/// y = weight · x / sqrt(mean(x²) + eps) (Zhang &amp; Sennrich 2019): no mean subtraction, no bias; T5's layer norm
/// and Llama's alike. The statistics are computed in float32 and the normalised values cast back before the weight
/// multiplies them, so half-precision weights do not lose them.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly double eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(size));
        this.eps = eps;
        RegisterComponents();
    }

    /// <param name="hidden">[..., size]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var wide = hidden.to(ScalarType.Float32);
        var normalised = wide * rsqrt(wide.square().mean([-1], keepdim: true) + eps);
        return (weight * normalised.to(hidden.dtype)).MoveToOuterDisposeScope();
    }
}
