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

    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, attentionBias);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
