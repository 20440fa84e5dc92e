using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>Pre-norm residual self-attention sublayer: x + dropout(attn(rms_norm(x))).</summary>
internal sealed class T5LayerSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // the checkpoint key: TorchSharp names a submodule after its field
    readonly T5Attention SelfAttention;
#pragma warning restore IDE1006
    readonly RmsNorm layer_norm;
    readonly Dropout dropout;

    public T5Attention Attention => SelfAttention;

    public T5LayerSelfAttention(T5Config config, bool hasRelativeAttentionBias, bool bidirectional) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, hasRelativeAttentionBias, bidirectional);
        layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.DropoutRate);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, d_model]</param>
    /// <param name="bias">position bias plus mask bias, broadcastable to [B, h, T, T]</param>
    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var scope = NewDisposeScope();
        var normed = layer_norm.forward(hidden);
        return (hidden + dropout.forward(SelfAttention.forward(normed, normed, bias))).MoveToOuterDisposeScope();
    }

    /// <summary>Decoder self-attention of new positions, attending to themselves and the cached earlier ones.</summary>
    /// <param name="hidden">the new positions [B, n, d_model]</param>
    /// <param name="bias">position bias + causal mask bias, [1, h, n, cached + n]</param>
    /// <param name="cache">receives this block's keys and values of the new positions</param>
    public Tensor Forward(Tensor hidden, Tensor bias, T5SelfAttentionCache cache, int block)
    {
        using var scope = NewDisposeScope();
        var normed = layer_norm.forward(hidden);
        var (newKeys, newValues) = SelfAttention.KeysValues(normed);
        var (keys, values) = cache.Append(block, newKeys, newValues);
        return (hidden + dropout.forward(SelfAttention.Attend(normed, keys, values, bias, null))).MoveToOuterDisposeScope();
    }
}
