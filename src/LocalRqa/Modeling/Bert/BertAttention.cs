using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>Self-attention followed by its output block (HF names: `attention.self`, `attention.output`).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertSelfAttention self;
    readonly BertResidualOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config);
        output = new BertResidualOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        using var context = self.forward(hidden, attentionBias);
        return output.forward(context, hidden);
    }
}
