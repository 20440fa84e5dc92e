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

    public override Tensor forward(Tensor hidden, Tensor attentionBias) => forward(hidden, attentionBias, firstTokenOnly: false);

#pragma warning disable IDE1006 // an overload of TorchSharp's forward
    /// <param name="firstTokenOnly">
    /// the last layer computes the first token's state only, [B, 1, H] (what CLS pooling reads): after the attention
    /// scores every operation acts on each token alone, so the other tokens' last states would be thrown away.
    /// </param>
    public Tensor forward(Tensor hidden, Tensor attentionBias, bool firstTokenOnly)
#pragma warning restore IDE1006
    {
        using var scope = NewDisposeScope();
        for (var i = 0; i < layer.Count; i++)
            hidden = firstTokenOnly && i == layer.Count - 1
                ? layer[i].forward(hidden, attentionBias, hidden[.., ..1]) // [B, 1, H]
                : layer[i].forward(hidden, attentionBias);
        return hidden.MoveToOuterDisposeScope();
    }
}
