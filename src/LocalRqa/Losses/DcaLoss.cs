using static TorchSharp.torch;

namespace LocalRqa.Losses;

/// <summary>
/// DCA's distillation loss (Izacard &amp; Grave 2021, eq. 5 with KL): the retriever's score of each of a question's
/// n passages is q·p/√d, and the loss is KL(p_reader ‖ p_retriever) with p_reader = softmax(reader / T) and
/// p_retriever = softmax(score), summed over passages and averaged over questions ("batchmean").
/// LocalRQA's torch.nn.KLDivLoss() uses the element-wise mean, i.e. this loss divided by n: the same gradient
/// direction, a constant rescaling that AdamW's per-parameter normalisation all but cancels.
/// </summary>
internal static class DcaLoss
{
    /// <param name="questions">[B, d]</param>
    /// <param name="passages">[B, n, d], the n passages of each question</param>
    /// <returns>[B, n] scores q·p / √d</returns>
    public static Tensor Scores(Tensor questions, Tensor passages)
    {
        using var scope = NewDisposeScope();
        var dot = einsum("bd,bnd->bn", questions, passages); // [B, n]
        return (dot / Math.Sqrt(questions.shape[^1])).MoveToOuterDisposeScope();
    }

    /// <param name="scores">[B, n] retriever scores (logits)</param>
    /// <param name="readerScores">[B, n] reader scores (crossattention_score), the target</param>
    /// <param name="readerTemperature">T of softmax(reader / T) (`--reader_temperature`)</param>
    /// <returns>a scalar: Σ_i p_reader,i (log p_reader,i − log_softmax(score)_i), averaged over the B questions</returns>
    public static Tensor Compute(Tensor scores, Tensor readerScores, double readerTemperature)
    {
        if (readerTemperature <= 0) throw new RqaException($"--reader_temperature must be positive, got {readerTemperature}");
        if (!scores.shape.SequenceEqual(readerScores.shape) || scores.dim() != 2)
            throw new ArgumentException($"scores [{string.Join(", ", scores.shape)}] and reader scores [{string.Join(", ", readerScores.shape)}] must both be [B, n]");
        using var scope = NewDisposeScope();
        var target = (readerScores.to(scores.dtype) / readerTemperature).detach(); // [B, n]
        var logTarget = nn.functional.log_softmax(target, -1);
        var logPredicted = nn.functional.log_softmax(scores, -1); // [B, n]
        // p·(log p − log q); a p of 0 contributes 0 (exp(log p) is 0 there, and log p stays finite from log_softmax).
        var perQuestion = (logTarget.exp() * (logTarget - logPredicted)).sum(-1); // [B]
        return perQuestion.mean().MoveToOuterDisposeScope();
    }
}
