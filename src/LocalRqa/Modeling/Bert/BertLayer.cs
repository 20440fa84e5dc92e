using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>One transformer encoder block (post-LayerNorm, as in BERT).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertAttention attention;
    readonly BertIntermediate intermediate;
    readonly BertResidualOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor attentionBias) => forward(hidden, attentionBias, hidden);

#pragma warning disable IDE1006 // an overload of TorchSharp's forward
    /// <param name="queries">the tokens whose new states to compute, [B, S, H] (all of <paramref name="hidden"/>, or fewer)</param>
    public Tensor forward(Tensor hidden, Tensor attentionBias, Tensor queries)
#pragma warning restore IDE1006
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, attentionBias, queries);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
