using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// T5's multi-head attention (HF `SelfAttention` / `EncDecAttention`): bias-free q, k, v, o projections and no
/// 1/sqrt(d_kv) scaling, because T5 folds that factor into the initialisation of q (Mesh TensorFlow). The first
/// block of each stack also owns the learned relative position bias that every later block reuses.
/// </summary>
internal sealed class T5Attention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly Linear q;
    readonly Linear k;
    readonly Linear v;
    readonly Linear o;
    readonly Embedding? relative_attention_bias;
    readonly int heads;
    readonly int headSize;
    readonly bool bidirectional;
    readonly int numBuckets;
    readonly int maxDistance;
    readonly double dropoutRate;

    /// <param name="bidirectional">true in the encoder; the decoder's buckets only see earlier positions.</param>
    public T5Attention(T5Config config, bool hasRelativeAttentionBias, bool bidirectional) : base(nameof(T5Attention))
    {
        q = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        k = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        v = nn.Linear(config.DModel, config.InnerDim, hasBias: false);
        o = nn.Linear(config.InnerDim, config.DModel, hasBias: false);
        if (hasRelativeAttentionBias) relative_attention_bias = nn.Embedding(config.RelativeAttentionNumBuckets, config.NumHeads);
        heads = config.NumHeads;
        headSize = config.DKv;
        this.bidirectional = bidirectional;
        numBuckets = config.RelativeAttentionNumBuckets;
        maxDistance = config.RelativeAttentionMaxDistance;
        dropoutRate = config.DropoutRate;
        RegisterComponents();
    }

    /// <param name="hidden">queries come from here, [B, T, d_model]</param>
    /// <param name="source">keys and values come from here (hidden itself, or the encoder output), [B, S, d_model]</param>
    /// <param name="bias">added to the logits before softmax, broadcastable to [B, h, T, S]</param>
    public override Tensor forward(Tensor hidden, Tensor source, Tensor bias)
    {
        using var scope = NewDisposeScope();
        var (keys, values) = KeysValues(source);
        return Attend(hidden, keys, values, bias, null).MoveToOuterDisposeScope();
    }

    /// <summary>Keys and values of a source sequence, each [B, h, S, d_kv]: computed once per encoder output.</summary>
    public (Tensor Keys, Tensor Values) KeysValues(Tensor source)
    {
        using var scope = NewDisposeScope();
        var keys = Heads(k.forward(source)).MoveToOuterDisposeScope();
        var values = Heads(v.forward(source)).MoveToOuterDisposeScope();
        return (keys, values);
    }

    /// <param name="hidden">[B, T, d_model]</param>
    /// <param name="keys">[B, h, S, d_kv]</param>
    /// <param name="values">[B, h, S, d_kv]</param>
    /// <param name="bias">broadcastable to [B, h, T, S]</param>
    /// <param name="logitsSink">
    /// when given, receives the raw logits q·kᵀ [B, h, T, S] before bias and softmax, detached from every dispose
    /// scope: the caller owns and disposes them.
    /// </param>
    /// <returns>[B, T, d_model]</returns>
    public Tensor Attend(Tensor hidden, Tensor keys, Tensor values, Tensor bias, ICollection<Tensor>? logitsSink)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var length = hidden.shape[1];
        var query = Heads(q.forward(hidden)); // [B, h, T, d_kv]
        var logits = query.matmul(keys.transpose(-1, -2)); // [B, h, T, S], unscaled
        if (logitsSink is not null) logitsSink.Add(logits.DetachFromDisposeScope());
        var scores = logits + bias;
        var weights = nn.functional.softmax(scores.to(ScalarType.Float32), -1).to(scores.dtype);
        weights = nn.functional.dropout(weights, dropoutRate, training);
        var context = weights.matmul(values) // [B, h, T, d_kv]
            .transpose(1, 2).reshape(batch, length, heads * headSize); // [B, T, h·d_kv]
        return o.forward(context).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The learned relative position bias [1, h, T, S] for queries at queryOffset.. and keys at 0..S-1
    /// (queryOffset is the number of earlier decoder positions when only new positions are queried).
    /// </summary>
    public Tensor PositionBias(long queryLength, long keyLength, long queryOffset = 0)
    {
        if (relative_attention_bias is null)
            throw new InvalidOperationException("only the first block's attention holds the relative position bias");
        using var scope = NewDisposeScope();
        var buckets = T5RelativePosition.Buckets(queryLength, keyLength, queryOffset, bidirectional, numBuckets, maxDistance,
            relative_attention_bias.weight!.device); // [T, S]
        return relative_attention_bias.forward(buckets) // [T, S, h]
            .permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope(); // [1, h, T, S]
    }

    /// <summary>[B, L, h·d_kv] → [B, h, L, d_kv]</summary>
    Tensor Heads(Tensor projected) =>
        projected.view(projected.shape[0], projected.shape[1], heads, headSize).transpose(1, 2);
}
