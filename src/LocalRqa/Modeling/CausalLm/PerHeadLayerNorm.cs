using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// StableLM's qk_layernorm: a separate bias-free LayerNorm over head_dim for every head (HF names
/// `q_layernorm.norms.{h}.weight`).
/// </summary>
internal sealed class PerHeadLayerNorm : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<LayerNorm> norms;

    public PerHeadLayerNorm(int heads, int headDim, double eps) : base(nameof(PerHeadLayerNorm))
    {
        norms = nn.ModuleList(Enumerable.Range(0, heads).Select(_ => nn.LayerNorm(headDim, eps, bias: false)).ToArray());
        RegisterComponents();
    }

    /// <param name="states">[B, heads, T, d] → same shape</param>
    public override Tensor forward(Tensor states)
    {
        using var scope = NewDisposeScope();
        var perHead = norms.Select((norm, h) => norm.forward(states.narrow(1, h, 1))).ToArray(); // heads × [B, 1, T, d]
        return cat(perHead, 1).MoveToOuterDisposeScope();
    }
}
