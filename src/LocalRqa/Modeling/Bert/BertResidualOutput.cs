using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>
/// Projection back to hidden_size, dropout, residual and LayerNorm: the block that closes both the attention
/// (HF `attention.output`, from hidden_size) and the feed-forward (HF `output`, from intermediate_size).
/// </summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
#pragma warning disable IDE1006 // the checkpoint key: TorchSharp names a submodule after its field
    readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006
    readonly Dropout dropout;

    public BertResidualOutput(int inputSize, BertConfig config) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="input">[B, T, inputSize]</param>
    /// <param name="residual">[B, T, H]</param>
    public override Tensor forward(Tensor input, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(input)) + residual).MoveToOuterDisposeScope();
    }
}
