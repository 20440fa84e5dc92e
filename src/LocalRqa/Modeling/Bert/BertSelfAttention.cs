using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>Multi-head scaled dot-product self-attention (libtorch's fused kernel).</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear query;
    readonly Linear key;
    readonly Linear value;
    readonly int heads;
    readonly int headSize;
    /// <summary>Dropout on the attention probabilities in train mode; starts as config's attention_probs_dropout_prob.</summary>
    public double DropoutProbability { get; set; }

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        heads = config.NumAttentionHeads;
        headSize = config.HeadSize;
        DropoutProbability = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, H]</param>
    /// <param name="attentionBias">[B, 1, 1, T]: 0 for real tokens, a large negative number for padding.</param>
    public override Tensor forward(Tensor hidden, Tensor attentionBias) => forward(hidden, attentionBias, hidden);

#pragma warning disable IDE1006 // an overload of TorchSharp's forward
    /// <param name="queries">the states the queries come from: [B, S, H] (every token's: <paramref name="hidden"/>) → output [B, S, H]</param>
    public Tensor forward(Tensor hidden, Tensor attentionBias, Tensor queries)
#pragma warning restore IDE1006
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        Tensor Heads(Linear projection, Tensor input) =>
            projection.forward(input).view(batch, input.shape[1], heads, headSize).transpose(1, 2); // [B, h, S or T, d]
        var context = nn.functional.scaled_dot_product_attention(
            Heads(query, queries), Heads(key, hidden), Heads(value, hidden), attentionBias, training ? DropoutProbability : 0.0); // [B, h, S, d]
        return context.transpose(1, 2).reshape(batch, queries.shape[1], heads * headSize).MoveToOuterDisposeScope(); // [B, S, H]
    }
}
