using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>Builds the norm module a family uses (input_layernorm, post_attention_layernorm, model.norm).</summary>
internal static class Normalizations
{
    public static nn.Module<Tensor, Tensor> Create(DecoderSettings settings) => settings.Normalization switch
    {
        NormalizationKind.Rms => new RmsNorm(settings.HiddenSize, settings.NormEps),
        NormalizationKind.LayerNorm => nn.LayerNorm(settings.HiddenSize, settings.NormEps),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Normalization, "unknown normalization"),
    };
}
