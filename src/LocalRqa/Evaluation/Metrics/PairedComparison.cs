namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// Two runs (a baseline and a candidate) compared on one per-question metric over the same questions.
/// </summary>
/// <param name="Count">Number of paired questions.</param>
/// <param name="BaselineMean">Baseline's mean.</param>
/// <param name="CandidateMean">Candidate's mean.</param>
/// <param name="MeanDifference">Mean of candidate − baseline per question.</param>
/// <param name="PValue">Two-sided paired bootstrap p-value of the mean difference (see <see cref="Compare(IReadOnlyList{double}, IReadOnlyList{double}, int, int)"/>).</param>
/// <param name="Gained">Baseline question indices the baseline scored 0 and the candidate above 0 (0→1 for 0/1 metrics).</param>
/// <param name="Lost">Baseline question indices the baseline scored above 0 and the candidate 0 (1→0 for 0/1 metrics).</param>
internal sealed record PairedComparison(
    int Count, double BaselineMean, double CandidateMean, double MeanDifference, double PValue,
    IReadOnlyList<int> Gained, IReadOnlyList<int> Lost)
{
    /// <summary>
    /// Compares runs whose values are paired by index. The p-value is a paired bootstrap: with d_i = candidate_i − baseline_i
    /// and observed mean d̄, draw <paramref name="resamples"/> resamples of question indices with replacement
    /// (System.Random(seed)), compute each resample's mean difference, and take the share that falls on the other side
    /// of zero (≤ 0 when d̄ &gt; 0, ≥ 0 when d̄ &lt; 0), doubled for two sides and capped at 1; d̄ = 0 gives p = 1.
    /// </summary>
    public static PairedComparison Compare(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, int resamples = BootstrapInterval.DefaultResamples, int seed = 0)
    {
        if (baseline.Count != candidate.Count)
            throw new ArgumentException($"runs differ in length: baseline {baseline.Count}, candidate {candidate.Count} questions", nameof(candidate));
        if (baseline.Count == 0) throw new ArgumentException("no questions to compare", nameof(baseline));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);

        var n = baseline.Count;
        var differences = new double[n];
        List<int> gained = [], lost = [];
        for (var i = 0; i < n; i++)
        {
            differences[i] = candidate[i] - baseline[i];
            if (baseline[i] == 0 && candidate[i] > 0) gained.Add(i);
            else if (baseline[i] > 0 && candidate[i] == 0) lost.Add(i);
        }
        var observed = PerQuestionScores.Mean(differences);
        return new PairedComparison(n, PerQuestionScores.Mean(baseline), PerQuestionScores.Mean(candidate), observed,
            BootstrapPValue(differences, observed, resamples, seed), gained, lost);
    }

    /// <summary>
    /// Compares runs paired by question text; indices in the result refer to the baseline's order. A question asked
    /// k times is paired occurrence by occurrence. Both runs must hold the same questions.
    /// </summary>
    public static PairedComparison Compare(
        IReadOnlyList<string> baselineQuestions, IReadOnlyList<double> baseline,
        IReadOnlyList<string> candidateQuestions, IReadOnlyList<double> candidate,
        int resamples = BootstrapInterval.DefaultResamples, int seed = 0)
    {
        if (baselineQuestions.Count != baseline.Count || candidateQuestions.Count != candidate.Count)
            throw new ArgumentException("each run needs one value per question");
        if (baselineQuestions.Count != candidateQuestions.Count)
            throw new ArgumentException($"runs differ in length: baseline {baselineQuestions.Count}, candidate {candidateQuestions.Count} questions");

        var positions = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (var i = 0; i < candidateQuestions.Count; i++)
        {
            if (!positions.TryGetValue(candidateQuestions[i], out var queue)) positions[candidateQuestions[i]] = queue = new Queue<int>();
            queue.Enqueue(i);
        }
        var aligned = new double[baseline.Count];
        for (var i = 0; i < baselineQuestions.Count; i++)
        {
            if (!positions.TryGetValue(baselineQuestions[i], out var queue) || !queue.TryDequeue(out var j))
                throw new ArgumentException($"question missing from the candidate run: {baselineQuestions[i]}");
            aligned[i] = candidate[j];
        }
        return Compare(baseline, aligned, resamples, seed);
    }

    private static double BootstrapPValue(double[] differences, double observed, int resamples, int seed)
    {
        if (observed == 0) return 1;
        var random = new Random(seed);
        var n = differences.Length;
        var otherSide = 0;
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++) sum += differences[random.Next(n)];
            var mean = sum / n;
            if (observed > 0 ? mean <= 0 : mean >= 0) otherSide++;
        }
        return Math.Min(1, 2.0 * otherSide / resamples);
    }
}
