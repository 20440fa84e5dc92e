using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>Pre-norm residual feed-forward sublayer: x + dropout(ff(rms_norm(x))).</summary>
internal sealed class T5LayerFF : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // the checkpoint key: TorchSharp names a submodule after its field
    readonly nn.Module<Tensor, Tensor> DenseReluDense;
#pragma warning restore IDE1006
    readonly RmsNorm layer_norm;
    readonly Dropout dropout;

    public T5LayerFF(T5Config config) : base(nameof(T5LayerFF))
    {
        DenseReluDense = config.IsGatedAct ? new T5DenseGatedActDense(config) : new T5DenseActDense(config);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.DropoutRate);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, d_model]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return (hidden + dropout.forward(DenseReluDense.forward(layer_norm.forward(hidden)))).MoveToOuterDisposeScope();
    }
}
