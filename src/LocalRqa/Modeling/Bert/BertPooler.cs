using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>BERT's pooler: tanh(dense(first token)). Retrievers rarely use it, but checkpoints carry it.</summary>
internal sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, H] → [B, H]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return tanh(dense.forward(hidden.select(1, 0))).MoveToOuterDisposeScope();
    }
}
