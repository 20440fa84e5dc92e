using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>Pooling of token states and L2 normalisation, as sentence-transformers computes them.</summary>
internal static class Pooling
{
    /// <param name="hidden">[B, T, H]</param>
    /// <param name="attentionMask">[B, T]</param>
    /// <returns>[B, H]</returns>
    public static Tensor Pool(Tensor hidden, Tensor attentionMask, PoolingType type)
    {
        if (type == PoolingType.Cls) return hidden.select(1, 0);
        using var scope = NewDisposeScope();
        var mask = attentionMask.to(hidden.dtype).unsqueeze(-1); // [B, T, 1]
        var sum = (hidden * mask).sum(1); // [B, H]
        // sentence-transformers clamps the token count at 1e-9 so an all-padding row gives zeros, not NaN.
        var count = mask.sum(1).clamp_min(1e-9); // [B, 1]
        return (sum / count).MoveToOuterDisposeScope();
    }

    /// <summary>Rows scaled to unit L2 norm (eps 1e-12, as torch.nn.functional.normalize).</summary>
    public static Tensor Normalize(Tensor embeddings) => nn.functional.normalize(embeddings, p: 2, dim: 1);
}
