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

    public override Tensor forward(Tensor hidden, Tensor attentionBias) => forward(hidden, attentionBias, hidden);

#pragma warning disable IDE1006 // an overload of TorchSharp's forward
    /// <param name="queries">the tokens to compute, [B, S, H]; keys and values come from every token of <paramref name="hidden"/></param>
    public Tensor forward(Tensor hidden, Tensor attentionBias, Tensor queries)
#pragma warning restore IDE1006
    {
        using var context = self.forward(hidden, attentionBias, queries);
        return output.forward(context, queries);
    }
}
