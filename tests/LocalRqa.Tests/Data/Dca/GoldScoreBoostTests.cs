using LocalRqa.Data.Dca;

namespace LocalRqa.Tests.Data.Dca;

public sealed class GoldScoreBoostTests
{
    [Fact]
    public void FirstScoreBecomesMaxPlusPopulationStandardDeviation()
    {
        // scores 1, 3, 2, 6: mean 3, squared deviations 4 + 0 + 1 + 9 = 14, σ = √(14/4) = 1.8708..., max 6
        var boosted = GoldScoreBoost.BoostFirst([1, 3, 2, 6]);
        Assert.Equal(6 + Math.Sqrt(3.5), boosted[0], 1e-12); // C# double arithmetic on a value ≈ 8: a few ulp (8.9e-16)
        Assert.Equal([3, 2, 6], boosted[1..]);
    }

    [Fact]
    public void QuestionsGetTheirGoldBoostedAndUnscoredOnesAreRefused()
    {
        var question = new DcaQuestion("0", "q",
            [new DcaContext(null, "", "gold", 1, 0.5), new DcaContext(null, "", "other", 1, 0.5)], [], []);
        // equal scores: σ 0, so the gold gets the max
        Assert.Equal(0.5, GoldScoreBoost.Apply(question).Contexts[0].CrossAttentionScore);
        var unscored = question with { Contexts = [new DcaContext(null, "", "gold", 1)] };
        Assert.Throws<RqaException>(() => GoldScoreBoost.Apply(unscored));
    }
}
