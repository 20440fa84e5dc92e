using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>The gated feed-forward of Llama-style decoders (Shazeer 2020): down(act(gate(x)) · up(x)).</summary>
internal sealed class GatedMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear gate_proj;
    readonly Linear up_proj;
    readonly Linear down_proj;
    readonly Func<Tensor, Tensor> activation;

    public GatedMlp(DecoderSettings settings) : base(nameof(GatedMlp))
    {
        gate_proj = nn.Linear(settings.HiddenSize, settings.IntermediateSize, hasBias: settings.MlpBias);
        up_proj = nn.Linear(settings.HiddenSize, settings.IntermediateSize, hasBias: settings.MlpBias);
        down_proj = nn.Linear(settings.IntermediateSize, settings.HiddenSize, hasBias: settings.MlpBias);
        activation = Activations.Get(settings.HiddenAct);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, H] → [B, T, H]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = activation(gate_proj.forward(hidden)) * up_proj.forward(hidden); // [B, T, I]
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }
}
