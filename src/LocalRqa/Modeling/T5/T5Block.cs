using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// One T5 block, HF name `block.{i}.layer.{j}`: self-attention, then (decoder only) cross-attention, then the
/// feed-forward. The sublayers differ in type, so they sit in one untyped list and are read through properties.
/// </summary>
internal sealed class T5Block : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<nn.Module> layer;

    public bool IsDecoder { get; }

    public T5Block(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5Block))
    {
        IsDecoder = isDecoder;
        var layers = new List<nn.Module> { new T5LayerSelfAttention(config, hasRelativeAttentionBias, bidirectional: !isDecoder) };
        if (isDecoder) layers.Add(new T5LayerCrossAttention(config));
        layers.Add(new T5LayerFF(config));
        layer = nn.ModuleList(layers.ToArray());
        RegisterComponents();
    }

    public T5LayerSelfAttention SelfAttentionLayer => (T5LayerSelfAttention)layer[0];

    public T5LayerCrossAttention CrossAttentionLayer =>
        IsDecoder ? (T5LayerCrossAttention)layer[1] : throw new InvalidOperationException("an encoder block has no cross-attention");

    T5LayerFF FeedForwardLayer => (T5LayerFF)layer[layer.Count - 1];

    /// <summary>Encoder block.</summary>
    /// <param name="hidden">[B, L, d_model]</param>
    /// <param name="bias">position bias + padding mask bias, [B, h, L, L]</param>
    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var scope = NewDisposeScope();
        return FeedForwardLayer.forward(SelfAttentionLayer.forward(hidden, bias)).MoveToOuterDisposeScope();
    }

    /// <summary>Decoder block, with the encoder's keys and values for this block precomputed.</summary>
    /// <param name="hidden">[B, T, d_model]</param>
    /// <param name="selfBias">position bias + causal mask bias, [1, h, T, T]</param>
    /// <param name="crossKeys">[B, h, S, d_kv]</param>
    /// <param name="crossValues">[B, h, S, d_kv]</param>
    /// <param name="crossBias">encoder padding mask bias [B, 1, 1, S]</param>
    /// <param name="crossLogitsSink">receives this block's pre-softmax cross-attention logits [B, h, T, S]</param>
    /// <param name="selfCache">when given, hidden holds only new positions and selfBias is [1, h, T, cached + T]</param>
    /// <param name="index">this block's index in the stack (its slot in selfCache)</param>
    public Tensor Decode(Tensor hidden, Tensor selfBias, Tensor crossKeys, Tensor crossValues, Tensor crossBias,
        ICollection<Tensor>? crossLogitsSink, T5SelfAttentionCache? selfCache, int index)
    {
        using var scope = NewDisposeScope();
        hidden = selfCache is null
            ? SelfAttentionLayer.forward(hidden, selfBias)
            : SelfAttentionLayer.Forward(hidden, selfBias, selfCache, index);
        hidden = CrossAttentionLayer.Forward(hidden, crossKeys, crossValues, crossBias, crossLogitsSink);
        return FeedForwardLayer.forward(hidden).MoveToOuterDisposeScope();
    }
}
