using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// The encoder or the decoder (HF `encoder` / `decoder`): blocks, a final RMS norm and dropout. Token embedding
/// happens in the owning model, whose single `shared` table both stacks use. Block 0's relative position bias
/// is computed once per forward and reused by every block, as T5 shares it across layers.
/// </summary>
internal sealed class T5Stack : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<T5Block> block;
    readonly RmsNorm final_layer_norm;
    readonly Dropout dropout;

    public bool IsDecoder { get; }

    public T5Stack(T5Config config, bool isDecoder) : base(nameof(T5Stack))
    {
        IsDecoder = isDecoder;
        var count = isDecoder ? config.NumDecoderLayers : config.NumLayers;
        block = nn.ModuleList(Enumerable.Range(0, count).Select(i => new T5Block(config, isDecoder, hasRelativeAttentionBias: i == 0)).ToArray());
        final_layer_norm = new RmsNorm(config.DModel, config.LayerNormEpsilon);
        dropout = nn.Dropout(config.DropoutRate);
        RegisterComponents();
    }

    public int BlockCount => block.Count;

    /// <summary>The encoder stack.</summary>
    /// <param name="embedded">token embeddings [B, L, d_model]</param>
    /// <param name="attentionMask">[B, L], 1 for tokens and 0 for padding</param>
    /// <returns>last_hidden_state [B, L, d_model]</returns>
    public override Tensor forward(Tensor embedded, Tensor attentionMask)
    {
        if (IsDecoder) throw new InvalidOperationException("the decoder stack runs through Decode");
        using var scope = NewDisposeScope();
        var length = embedded.shape[1];
        var bias = block[0].SelfAttentionLayer.Attention.PositionBias(length, length) // [1, h, L, L]
            + MaskBias(attentionMask, embedded.dtype); // [B, 1, 1, L]
        var hidden = dropout.forward(embedded);
        foreach (var layer in block) hidden = layer.forward(hidden, bias);
        return dropout.forward(final_layer_norm.forward(hidden)).MoveToOuterDisposeScope();
    }

    /// <summary>Every decoder block's cross-attention keys and values of an encoder output [B, S, d_model].</summary>
    public T5CrossKeyValues CrossKeyValues(Tensor encoderStates)
    {
        if (!IsDecoder) throw new InvalidOperationException("only the decoder stack attends to an encoder output");
        using var scope = NewDisposeScope();
        var layers = block.Select(b =>
        {
            var (keys, values) = b.CrossAttentionLayer.KeysValues(encoderStates);
            return (keys.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
        }).ToList();
        return new T5CrossKeyValues(layers);
    }

    /// <summary>The decoder stack over new decoder positions.</summary>
    /// <param name="embedded">decoder token embeddings [B, T, d_model]: the whole prefix, or with a cache the new positions</param>
    /// <param name="encoder">cross-attention keys and values of the encoder output</param>
    /// <param name="encoderMask">[B, S], 1 for tokens and 0 for padding</param>
    /// <param name="crossLogitsSink">receives each block's pre-softmax cross-attention logits [B, h, T, S], in block order</param>
    /// <param name="selfCache">earlier positions' self-attention keys and values; extended by these T positions</param>
    /// <returns>[B, T, d_model]</returns>
    public Tensor Decode(Tensor embedded, T5CrossKeyValues encoder, Tensor encoderMask, ICollection<Tensor>? crossLogitsSink = null,
        T5SelfAttentionCache? selfCache = null)
    {
        if (!IsDecoder) throw new InvalidOperationException("the encoder stack runs through forward");
        using var scope = NewDisposeScope();
        var length = embedded.shape[1];
        var offset = selfCache?.Length ?? 0;
        // Query i sits at position offset + i and sees keys 0..offset + i.
        var visible = ones(length, offset + length, dtype: embedded.dtype, device: embedded.device).tril(offset); // [T, cached + T]
        var selfBias = block[0].SelfAttentionLayer.Attention.PositionBias(length, offset + length, offset) // [1, h, T, cached + T]
            + (1.0f - visible) * finfo(embedded.dtype).min;
        var crossBias = MaskBias(encoderMask, embedded.dtype); // [B, 1, 1, S]; cross-attention position bias is zero
        var hidden = dropout.forward(embedded);
        for (var i = 0; i < block.Count; i++)
        {
            var (keys, values) = encoder.Layers[i];
            hidden = block[i].Decode(hidden, selfBias, keys, values, crossBias, crossLogitsSink, selfCache, i);
        }
        selfCache?.Advance(length);
        return dropout.forward(final_layer_norm.forward(hidden)).MoveToOuterDisposeScope();
    }

    /// <summary>[B, S] mask → [B, 1, 1, S] additive bias: 0 to attend, the dtype's minimum to ignore (as HF).</summary>
    static Tensor MaskBias(Tensor attentionMask, ScalarType dtype)
    {
        var keep = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2);
        return (1.0f - keep) * finfo(dtype).min;
    }
}
