using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>What every decoder layer of one forward pass shares; the model owns these tensors.</summary>
/// <param name="AttentionBias">[B, 1, T, T] additive: 0 where query i may see key j, the dtype's minimum elsewhere.</param>
/// <param name="Cos">[T, r] rotary cosines.</param>
/// <param name="Sin">[T, r] rotary sines.</param>
internal sealed record DecoderContext(Tensor AttentionBias, Tensor Cos, Tensor Sin);
