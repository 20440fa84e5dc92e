using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// Pre-norm residual encoder-decoder attention sublayer. It has no relative position bias: T5 gives
/// cross-attention a zero position bias, so only the encoder padding mask is added to its logits.
/// </summary>
internal sealed class T5LayerCrossAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // the checkpoint key: TorchSharp names a submodule after its field
    readonly T5Attention EncDecAttention;
#pragma warning restore IDE1006
    readonly RmsNorm layer_norm;
    readonly Dropout dropout;

    public T5LayerCrossAttention(T5Config config) : base(nameof(T5LayerCrossAttention))
    {
        EncDecAttention = new T5Attention(config, hasRelativeAttentionBias: false, bidirectional: true);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.DropoutRate);
        RegisterComponents();
    }

    /// <summary>Keys and values of the encoder output for this layer, each [B, h, S, d_kv].</summary>
    public (Tensor Keys, Tensor Values) KeysValues(Tensor encoderStates) => EncDecAttention.KeysValues(encoderStates);

    /// <param name="hidden">[B, T, d_model]</param>
    /// <param name="encoderStates">[B, S, d_model]</param>
    /// <param name="encoderBias">mask bias [B, 1, 1, S]</param>
    public override Tensor forward(Tensor hidden, Tensor encoderStates, Tensor encoderBias)
    {
        using var scope = NewDisposeScope();
        var (keys, values) = KeysValues(encoderStates);
        return Forward(hidden, keys, values, encoderBias, null).MoveToOuterDisposeScope();
    }

    /// <summary>With the encoder's keys and values precomputed; logitsSink as in <see cref="T5Attention.Attend"/>.</summary>
    public Tensor Forward(Tensor hidden, Tensor keys, Tensor values, Tensor encoderBias, ICollection<Tensor>? logitsSink)
    {
        using var scope = NewDisposeScope();
        var attended = EncDecAttention.Attend(layer_norm.forward(hidden), keys, values, encoderBias, logitsSink);
        return (hidden + dropout.forward(attended)).MoveToOuterDisposeScope();
    }
}
