using LocalRqa.Training.Dca;
using static TorchSharp.torch;

namespace LocalRqa.Losses;

/// <summary>
/// REPLUG's LM-supervised retrieval loss (Shi et al. 2023, eq. 4): the retrieval likelihood of each of a question's
/// n passages is softmax(cos(q, p) / γ) with γ = retrieve_temperature, the LM likelihood is
/// softmax(lm_score / β) with β = lm_temperature, and the loss is KL(P_LM ‖ P_R), summed over the passages and
/// averaged over the questions ("batchmean"; the same KL as DCA's, <see cref="DcaLoss.Compute"/>).
/// </summary>
internal static class RpgLoss
{
    /// <param name="questions">[B, d] question embeddings</param>
    /// <param name="passages">[B, n, d] the n passages of each question</param>
    /// <returns>[B, n] cos(q, p) / retrieveTemperature, differentiable in both inputs</returns>
    public static Tensor Scores(Tensor questions, Tensor passages, double retrieveTemperature)
    {
        if (retrieveTemperature <= 0) throw new ArgumentOutOfRangeException(nameof(retrieveTemperature), retrieveTemperature, "must be positive");
        using var scope = NewDisposeScope();
        var q = nn.functional.normalize(questions, p: 2, dim: -1); // [B, d]
        var p = nn.functional.normalize(passages, p: 2, dim: -1); // [B, n, d]
        return (einsum("bd,bnd->bn", q, p) / retrieveTemperature).MoveToOuterDisposeScope(); // [B, n]
    }

    /// <param name="retrievalScores">[B, n] logits of the retriever (<see cref="Scores"/>)</param>
    /// <param name="lmScores">[B, n] LM scores (mean log p(answer | passage, question)), the target</param>
    /// <returns>a scalar: Σ_i P_LM,i (log P_LM,i − log P_R,i), averaged over the B questions</returns>
    public static Tensor Compute(Tensor retrievalScores, Tensor lmScores, double lmTemperature)
    {
        if (lmTemperature <= 0) throw new ArgumentOutOfRangeException(nameof(lmTemperature), lmTemperature, "must be positive");
        return DcaLoss.Compute(retrievalScores, lmScores, lmTemperature);
    }
}
