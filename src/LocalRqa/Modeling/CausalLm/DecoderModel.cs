using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// The decoder trunk (HF `model.`): token embeddings, the layers and the final norm. Positions are 0..T-1 for
/// every row, which is right for right-padded batches.
/// </summary>
internal sealed class DecoderModel : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Embedding embed_tokens;
    readonly ModuleList<DecoderLayer> layers;
    readonly nn.Module<Tensor, Tensor> norm;
    readonly RotaryEmbedding rotary;
    readonly int? slidingWindow;

    public DecoderModel(DecoderSettings settings) : base(nameof(DecoderModel))
    {
        embed_tokens = nn.Embedding(settings.VocabSize, settings.HiddenSize);
        layers = nn.ModuleList(Enumerable.Range(0, settings.Layers).Select(_ => new DecoderLayer(settings)).ToArray());
        norm = Normalizations.Create(settings);
        rotary = new RotaryEmbedding(settings.Rotary);
        slidingWindow = settings.SlidingWindow;
        RegisterComponents();
    }

    /// <summary>[V, H]: the input embeddings, also the output projection of tied checkpoints.</summary>
    public Tensor EmbeddingWeight => embed_tokens.weight!;

    /// <param name="inputIds">[B, T] int64</param>
    /// <param name="attentionMask">[B, T]: 1 for tokens, 0 for right padding</param>
    /// <returns>final hidden states [B, T, H] in the weights' dtype</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var hidden = embed_tokens.forward(inputIds); // [B, T, H]
        var (cos, sin) = rotary.Angles(length, hidden.dtype, hidden.device);
        var context = new DecoderContext(AttentionBias(attentionMask, hidden.dtype), cos, sin);
        foreach (var layer in layers) hidden = layer.forward(hidden, context);
        return norm.forward(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [B, T] mask → [B, 1, T, T] additive bias: query i sees key j when j ≤ i, j is a real token and (with a
    /// sliding window w) i − j &lt; w. Padded query rows still see their row's real tokens, so no row is empty.
    /// </summary>
    Tensor AttentionBias(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var length = attentionMask.shape[1];
        var visible = ones(length, length, dtype: ScalarType.Bool, device: attentionMask.device).tril(); // [T, T]
        if (slidingWindow is { } window) visible = visible.triu(1 - window);
        var keys = attentionMask.ne(0).unsqueeze(1).unsqueeze(2); // [B, 1, 1, T]
        var allowed = keys.logical_and(visible); // [B, 1, T, T]
        var bias = zeros(allowed.shape, dtype: dtype, device: attentionMask.device)
            .masked_fill(allowed.logical_not(), finfo(dtype).min); // the dtype's own minimum stays finite
        return bias.MoveToOuterDisposeScope();
    }
}
