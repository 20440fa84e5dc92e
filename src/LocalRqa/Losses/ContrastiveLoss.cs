using static TorchSharp.torch;

namespace LocalRqa.Losses;

/// <summary>
/// LocalRQA's in-batch contrastive loss with hard negatives (<c>_inbatch_contrastive_w_hardneg</c>), computed
/// from embeddings alone: query i's positive is candidate i, every other candidate is its negative.
/// <code>
/// s_ij   = sim(q_i, c_j) / T                       (masked: −∞)
/// loss_i = −s_ii + log Σ_j exp(s_ij)               (cross-entropy against label i)
/// loss   = (1/B) Σ_i loss_i
/// </code>
/// </summary>
internal static class ContrastiveLoss
{

    /// <summary>
    /// The scaled scores s_ij, masked entries set to −∞; with a graph when the inputs have one.
    /// </summary>
    /// <param name="queries">[B, H]</param>
    /// <param name="candidates">[C, H], C ≥ B, the first B being the positives of the queries in order</param>
    /// <param name="mask">optional bool [B, C]: true = leave candidate j out of query i's softmax; never (i, i)</param>
    /// <returns>[B, C]</returns>
    public static Tensor Logits(Tensor queries, Tensor candidates, double temperature,
        ContrastiveSimilarity similarity = ContrastiveSimilarity.Dot, Tensor? mask = null)
    {
        Validate(queries, candidates, temperature, mask);
        using var scope = NewDisposeScope();
        if (similarity == ContrastiveSimilarity.Cosine)
        {
            // Unit rows (eps 1e-12, as torch.nn.functional.normalize), so q·c is the cosine.
            queries = nn.functional.normalize(queries, p: 2, dim: 1); // [B, H]
            candidates = nn.functional.normalize(candidates, p: 2, dim: 1); // [C, H]
        }
        var logits = matmul(queries, candidates.t()) / temperature; // [B, C]
        // exp(−∞) = 0 drops the candidate from the denominator; its gradient is zero. The positive stays finite,
        // so every row keeps a finite log-sum-exp.
        if (mask is not null) logits = logits.masked_fill(mask, double.NegativeInfinity); // [B, C]
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>The mean cross-entropy of each query against its own positive: a scalar with a graph.</summary>
    /// <param name="queries">[B, H]</param>
    /// <param name="candidates">[C, H], C ≥ B, positives first</param>
    /// <param name="mask">optional bool [B, C] of candidates to exclude; never a query's own positive</param>
    /// <returns>[] (scalar)</returns>
    public static Tensor Compute(Tensor queries, Tensor candidates, double temperature,
        ContrastiveSimilarity similarity = ContrastiveSimilarity.Dot, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(queries, candidates, temperature, similarity, mask); // [B, C]
        var labels = arange(queries.shape[0], dtype: ScalarType.Int64, device: logits.device); // [B]: 0..B−1
        var loss = nn.functional.cross_entropy(logits, labels); // [] mean over B
        return loss.MoveToOuterDisposeScope();
    }

    static void Validate(Tensor queries, Tensor candidates, double temperature, Tensor? mask)
    {
        if (queries.dim() != 2 || candidates.dim() != 2)
            throw new ArgumentException($"queries and candidates must be [B, H] and [C, H], got [{string.Join(", ", queries.shape)}] and [{string.Join(", ", candidates.shape)}]");
        long b = queries.shape[0], c = candidates.shape[0];
        if (b == 0) throw new ArgumentException("no queries");
        if (queries.shape[1] != candidates.shape[1])
            throw new ArgumentException($"queries have {queries.shape[1]} dimensions, candidates {candidates.shape[1]}");
        if (c < b) throw new ArgumentException($"{c} candidates for {b} queries: the first B candidates must be the positives");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentException($"temperature must be a positive number, got {temperature}");
        if (mask is null) return;
        if (mask.dtype != ScalarType.Bool || mask.dim() != 2 || mask.shape[0] != b || mask.shape[1] != c)
            throw new ArgumentException($"mask must be bool [{b}, {c}], got {mask.dtype} [{string.Join(", ", mask.shape)}]");
        using var scope = NewDisposeScope();
        // A masked positive would make loss_i = −(−∞) + …: never a meaningful loss, always a caller's bug.
        var positives = mask.narrow(1, 0, b).diagonal(); // [B]: mask[i, i]
        if (positives.any().item<bool>())
            throw new ArgumentException("the mask excludes a query's own positive (mask[i, i] is true)");
    }
}
