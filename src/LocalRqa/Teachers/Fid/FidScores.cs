using static TorchSharp.torch;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// FiD cross-attention passage scores (Izacard &amp; Grave 2021, "Distilling Knowledge from Reader to
/// Retriever"): the pre-softmax cross-attention logits of the first decoded token, summed over decoder layers,
/// heads and a passage's unmasked tokens, divided by (unmasked tokens × layers × heads). A pure function of the
/// logits, so it is testable without a model.
/// </summary>
internal static class FidScores
{
    /// <param name="crossAttentionLogits">per decoder layer, [B, h, T, P·L]; only decoder position 0 is used</param>
    /// <param name="passageMask">[B, P, L], 1 for tokens and 0 for padding</param>
    /// <returns>[B, P] float32; a passage without any unmasked token scores 0</returns>
    public static Tensor FromCrossAttentionLogits(IReadOnlyList<Tensor> crossAttentionLogits, Tensor passageMask)
    {
        if (crossAttentionLogits.Count == 0) throw new ArgumentException("no decoder layers", nameof(crossAttentionLogits));
        if (passageMask.dim() != 3) throw new ArgumentException("the passage mask must be [batch, passages, length]", nameof(passageMask));
        using var scope = NewDisposeScope();
        var (batch, passages, length) = (passageMask.shape[0], passageMask.shape[1], passageMask.shape[2]);
        var heads = crossAttentionLogits[0].shape[1];
        var firstToken = stack(crossAttentionLogits.Select(l => l[.., .., 0, ..]), 1) // [B, layers, h, P·L]
            .to(ScalarType.Float32);
        if (firstToken.shape[3] != passages * length)
            throw new ArgumentException($"logits cover {firstToken.shape[3]} encoder tokens, the mask {passages}×{length}");
        var perToken = firstToken.sum([1, 2]).view(batch, passages, length); // [B, P, L]
        var keep = passageMask.to(ScalarType.Bool);
        // Padding drops out of the sum (FiD's masked_fill with 0); the logits never had the mask bias added.
        var total = perToken.masked_fill(keep.logical_not(), 0.0f).sum(-1); // [B, P]
        var count = keep.to(ScalarType.Float32).sum(-1) * (crossAttentionLogits.Count * heads); // [B, P]
        return (total / count.clamp_min(1.0f)).MoveToOuterDisposeScope();
    }
}
