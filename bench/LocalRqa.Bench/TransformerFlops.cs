using LocalRqa.Modeling.Bert;

namespace LocalRqa.Bench;

/// <summary>
/// Training flops of a BERT encoder, the usual estimate (Kaplan et al. 2020): forward + backward ≈ 3 × forward,
/// forward ≈ 2 flops per non-embedding parameter per token (embedding look-ups and the unused pooler multiply
/// nothing), so 6·N·T; plus the attention products QKᵀ and AV, 4·d·L² per layer and sequence forward,
/// so 12·layers·d·ΣL² forward + backward.
/// </summary>
internal sealed record TransformerFlops(long Parameters, long NonEmbeddingParameters, int Layers, int Hidden)
{
    public static TransformerFlops Of(BertModel model)
    {
        long all = 0, dense = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            all += parameter.numel();
            if (!name.StartsWith("embeddings.", StringComparison.Ordinal) && !name.StartsWith("pooler.", StringComparison.Ordinal))
                dense += parameter.numel();
        }
        return new TransformerFlops(all, dense, model.Config.NumHiddenLayers, model.Config.HiddenSize);
    }

    /// <summary>6·N·T: the parameter matmuls of forward + backward over <paramref name="tokens"/> tokens.</summary>
    public double Dense(long tokens) => 6.0 * NonEmbeddingParameters * tokens;

    /// <summary>12·layers·d·ΣL²: attention scores and weighted values, forward + backward.</summary>
    public double Attention(double squaredLengths) => 12.0 * Layers * Hidden * squaredLengths;
}
