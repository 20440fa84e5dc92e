using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Tests.Evaluation.Metrics;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last bits.
public sealed class PairedComparisonTests
{
    [Fact]
    public void ListsGainedAndLostQuestions()
    {
        // Question 1 goes 0→1 (gained), question 3 goes 1→0 (lost); differences [0, 1, 0, −1, 0] → mean 0 → p = 1.
        var comparison = PairedComparison.Compare([1.0, 0, 0, 1, 1], [1.0, 1, 0, 0, 1]);
        Assert.Equal([1], comparison.Gained);
        Assert.Equal([3], comparison.Lost);
        Assert.Equal(0.0, comparison.MeanDifference);
        Assert.Equal(1.0, comparison.PValue);
        Assert.Equal(0.6, comparison.BaselineMean, 1e-12);
        Assert.Equal(0.6, comparison.CandidateMean, 1e-12);
    }

    [Fact]
    public void MeanDifferenceIsCandidateMinusBaseline()
    {
        // Differences [1, 1, 0] → 2/3.
        var comparison = PairedComparison.Compare([0.0, 0, 1], [1.0, 1, 1]);
        Assert.Equal(2.0 / 3, comparison.MeanDifference, 1e-12);
        Assert.Equal([0, 1], comparison.Gained);
        Assert.Empty(comparison.Lost);
    }

    [Fact]
    public void IdenticalRunsHavePValueOne()
    {
        double[] run = [0.2, 1, 0, 0.5, 1, 0];
        var comparison = PairedComparison.Compare(run, run);
        Assert.Equal(1.0, comparison.PValue);
        Assert.Empty(comparison.Gained);
        Assert.Empty(comparison.Lost);
    }

    [Fact]
    public void BetterOnEveryQuestionIsSignificant()
    {
        // 30 questions, candidate +0.1 on each: every resampled mean difference is > 0 → p = 2·0/1000 = 0.
        var baseline = Enumerable.Range(0, 30).Select(i => i / 60.0).ToArray();
        var candidate = baseline.Select(x => x + 0.1).ToArray();
        var better = PairedComparison.Compare(baseline, candidate);
        Assert.True(better.PValue < 0.01, $"p = {better.PValue}");
        Assert.Equal(0.1, better.MeanDifference, 1e-12);
        // And the other way round: worse on every question.
        var worse = PairedComparison.Compare(candidate, baseline);
        Assert.True(worse.PValue < 0.01, $"p = {worse.PValue}");
        Assert.Equal(-0.1, worse.MeanDifference, 1e-12);
    }

    [Fact]
    public void MixedResultsAreNotSignificantAndDeterministic()
    {
        // 6 gained, 4 lost of 10: mean difference 0.2, standard error ≈ 0.98/√10 ≈ 0.31 → far from significant.
        double[] baseline = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
        double[] candidate = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        var comparison = PairedComparison.Compare(baseline, candidate, seed: 5);
        Assert.Equal(0.2, comparison.MeanDifference, 1e-12);
        Assert.InRange(comparison.PValue, 0.2, 1.0);
        Assert.Equal(comparison.PValue, PairedComparison.Compare(baseline, candidate, seed: 5).PValue);
    }

    [Fact]
    public void PairsByQuestionText()
    {
        // Candidate lists the questions in another order; "q2" is asked twice and paired occurrence by occurrence.
        var comparison = PairedComparison.Compare(
            ["q1", "q2", "q3", "q2"], [0.0, 1, 0, 0],
            ["q3", "q2", "q1", "q2"], [1.0, 1, 0, 1]);
        // Aligned candidate: q1 → 0, q2 (1st) → 1, q3 → 1, q2 (2nd) → 1. Gained: q3 (index 2), second q2 (index 3).
        Assert.Equal([2, 3], comparison.Gained);
        Assert.Empty(comparison.Lost);
        Assert.Equal(0.5, comparison.MeanDifference, 1e-12);
        Assert.Throws<ArgumentException>(() => PairedComparison.Compare(["q1"], [0.0], ["q9"], [1.0]));
    }

    [Fact]
    public void RunsOfDifferentLengthAreAnError() =>
        Assert.Throws<ArgumentException>(() => PairedComparison.Compare([0.0, 1], [1.0]));
}
