namespace LocalRqa.Data.Dca;

/// <summary>
/// LocalRQA's modify_score (scripts/train/retriever/train_fid_retriever.py): the first passage of each question,
/// the gold one, gets the reader score max + σ of that question's reader scores (σ the population standard
/// deviation, numpy's np.std), so the distilled target always ranks the gold passage clearly on top.
/// </summary>
internal static class GoldScoreBoost
{
    /// <summary>The scores with the first replaced by max + σ of all of them (its own old value included).</summary>
    public static double[] BoostFirst(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0) return [];
        var mean = scores.Average();
        var deviation = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Count);
        var boosted = scores.ToArray();
        boosted[0] = scores.Max() + deviation;
        return boosted;
    }

    /// <summary>
    /// The question with its first passage's crossattention_score boosted. LocalRQA takes max and σ over the
    /// passages that have a (truthy) score; here every passage must have one, as the scorer writes them all.
    /// </summary>
    public static DcaQuestion Apply(DcaQuestion question)
    {
        if (question.Contexts.Count == 0) return question;
        if (!question.IsScored) throw new RqaException($"question {question.Id}: not every ctx has a crossattention_score");
        var boosted = BoostFirst(question.Contexts.Select(c => c.CrossAttentionScore!.Value).ToList());
        return question with { Contexts = question.Contexts.Select((c, i) => c with { CrossAttentionScore = boosted[i] }).ToList() };
    }

    public static IReadOnlyList<DcaQuestion> Apply(IReadOnlyList<DcaQuestion> questions) => questions.Select(Apply).ToList();
}
