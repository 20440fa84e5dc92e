namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// log p(answer token t | prompt, answer tokens before t) for each scored answer token, and their mean: the
/// LM score REPLUG (Shi et al. 2023) turns into a target distribution over retrieved passages.
/// </summary>
internal sealed record AnswerLikelihood(float[] TokenLogProbs)
{
    public float MeanLogProb => TokenLogProbs.Length == 0 ? float.NaN : (float)TokenLogProbs.Average(v => (double)v);
}
