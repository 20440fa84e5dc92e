using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.Bert;

/// <summary>The stack of encoder layers (HF name `encoder.layer.{i}`).</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        using var scope = NewDisposeScope();
        foreach (var block in layer) hidden = block.forward(hidden, attentionBias);
        return hidden.MoveToOuterDisposeScope();
    }
}
