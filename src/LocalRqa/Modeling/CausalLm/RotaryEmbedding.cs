using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// Rotary position embedding in the "rotate half" layout of HF checkpoints: dimension k of the rotated part
/// pairs with k + r/2, and the pair at position p turns by p · inv_freq[k]. The inverse frequencies are not a
/// state-dict entry (older checkpoints that stored `rotary_emb.inv_freq` have it dropped on load).
/// </summary>
internal sealed class RotaryEmbedding(RotarySettings settings)
{
    readonly float[] inverseFrequencies = settings.InverseFrequencies();

    public int Dims => settings.Dims;

    /// <summary>cos and sin of the angles for positions 0 .. length-1, each [T, r], computed in float32 and then cast.</summary>
    public (Tensor Cos, Tensor Sin) Angles(long length, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var positions = arange(length, dtype: ScalarType.Float32, device: device); // [T]
        var frequencies = outer(positions, tensor(inverseFrequencies, device: device)); // [T, r/2]
        var angles = cat([frequencies, frequencies], -1); // [T, r]
        var cos = angles.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = angles.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates the first r = cos.shape[-1] dimensions of each head; the rest pass through.</summary>
    /// <param name="states">[B, heads, T, d]</param>
    /// <param name="cos">[T, r]</param>
    /// <param name="sin">[T, r]</param>
    public static Tensor Apply(Tensor states, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var rotary = cos.shape[^1];
        var headDim = states.shape[^1];
        var half = rotary / 2;
        var rotated = states.narrow(-1, 0, rotary); // [B, h, T, r]
        var turned = cat([-rotated.narrow(-1, half, half), rotated.narrow(-1, 0, half)], -1); // rotate_half
        var result = rotated * cos + turned * sin;
        if (rotary < headDim) result = cat([result, states.narrow(-1, rotary, headDim - rotary)], -1);
        return result.MoveToOuterDisposeScope();
    }
}
