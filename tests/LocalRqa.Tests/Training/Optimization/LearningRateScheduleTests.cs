using LocalRqa.Training.Optimization;

namespace LocalRqa.Tests.Training.Optimization;

public sealed class LearningRateScheduleTests
{
    const double Tolerance = 1e-12;

    static LearningRateSchedule Schedule(string kind, long warmup, long total) => new(LearningRateSchedule.ParseKind(kind), warmup, total);

    [Fact]
    public void LinearWarmsUpThenDecaysToZero()
    {
        var s = Schedule("linear", 10, 100);
        Assert.Equal(0.0, s.Factor(0));              // 0 / 10
        Assert.Equal(0.5, s.Factor(5), Tolerance);   // 5 / 10
        Assert.Equal(1.0, s.Factor(10), Tolerance);  // (100 - 10) / 90
        Assert.Equal(0.5, s.Factor(55), Tolerance);  // (100 - 55) / 90
        Assert.Equal(0.0, s.Factor(100));            // (100 - 100) / 90
        Assert.Equal(0.0, s.Factor(120));            // max(0, -20 / 90)
        Assert.Equal(2e-5 * 0.5, s.LearningRate(2e-5, 55), Tolerance);
    }

    [Fact]
    public void LinearWithoutWarmupStartsAtTheBaseRate()
    {
        var s = Schedule("linear", 0, 4);
        Assert.Equal([1.0, 0.75, 0.5, 0.25, 0.0], Enumerable.Range(0, 5).Select(i => s.Factor(i)).ToArray());
    }

    [Fact]
    public void CosineFollowsHalfACosineAfterWarmup()
    {
        var s = Schedule("cosine", 10, 100);
        Assert.Equal(0.0, s.Factor(0));
        Assert.Equal(0.3, s.Factor(3), Tolerance);   // 3 / 10
        Assert.Equal(1.0, s.Factor(10), Tolerance);  // 0.5 (1 + cos 0)
        Assert.Equal(0.5, s.Factor(55), Tolerance);  // progress 45/90: 0.5 (1 + cos π/2)
        Assert.Equal(0.0, s.Factor(100), Tolerance); // 0.5 (1 + cos π)
        // No warmup, progress 25/100: 0.5 (1 + cos π/4) = 0.5 (1 + 0.7071067811865476) = 0.8535533905932737.
        Assert.Equal(0.8535533905932737, Schedule("cosine", 0, 100).Factor(25), Tolerance);
    }

    [Fact]
    public void ConstantIgnoresWarmupAndConstantWithWarmupRamps()
    {
        var constant = Schedule("constant", 10, 100);
        Assert.Equal(1.0, constant.Factor(0));
        Assert.Equal(1.0, constant.Factor(100));

        var warm = Schedule("constant_with_warmup", 10, 100);
        Assert.Equal(0.0, warm.Factor(0));
        Assert.Equal(0.5, warm.Factor(5), Tolerance);
        Assert.Equal(1.0, warm.Factor(10));
        Assert.Equal(1.0, warm.Factor(100));
    }

    [Fact]
    public void WarmupStepsRoundUpLikeHf()
    {
        Assert.Equal(10, LearningRateSchedule.ComputeWarmupSteps(100, 0, 0.1));
        // 3 × 0.1 = 0.30000000000000004 and 100 × 0.07 = 7.000000000000001 in IEEE doubles; math.ceil gives 1 and 8.
        Assert.Equal(1, LearningRateSchedule.ComputeWarmupSteps(3, 0, 0.1));
        Assert.Equal(8, LearningRateSchedule.ComputeWarmupSteps(100, 0, 0.07));
        Assert.Equal(0, LearningRateSchedule.ComputeWarmupSteps(100, 0, 0.0));
        // warmup_steps > 0 wins over the ratio.
        Assert.Equal(7, LearningRateSchedule.ComputeWarmupSteps(100, 7, 0.5));
        Assert.Throws<RqaException>(() => LearningRateSchedule.ComputeWarmupSteps(100, 0, 1.5));
    }

    [Fact]
    public void UnknownKindIsRejectedAndNamesRoundTrip()
    {
        Assert.Throws<RqaException>(() => LearningRateSchedule.ParseKind("polynomial"));
        foreach (var kind in Enum.GetValues<LearningRateScheduleKind>())
            Assert.Equal(kind, LearningRateSchedule.ParseKind(LearningRateSchedule.Name(kind)));
    }
}
