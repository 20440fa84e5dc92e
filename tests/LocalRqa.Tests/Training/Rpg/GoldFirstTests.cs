using LocalRqa.Training.Rpg;

namespace LocalRqa.Tests.Training.Rpg;

public sealed class GoldFirstTests
{
    [Fact]
    public void ARetrievedGoldMovesToTheFront()
    {
        var (passages, retrieved) = GoldFirst.Place(["a", "b", "gold", "c"], "gold");
        Assert.True(retrieved);
        Assert.Equal(["gold", "a", "b", "c"], passages);
    }

    [Fact]
    public void AMissedGoldIsInsertedAndTheLastDropped()
    {
        var (passages, retrieved) = GoldFirst.Place(["a", "b", "c", "d"], "gold");
        Assert.False(retrieved);
        Assert.Equal(["gold", "a", "b", "c"], passages);
    }

    [Fact]
    public void AGoldAlreadyFirstStaysAndTheComparerDecidesIdentity()
    {
        var (passages, retrieved) = GoldFirst.Place(["GOLD", "a"], "gold", StringComparer.OrdinalIgnoreCase);
        Assert.True(retrieved);
        Assert.Equal(["gold", "a"], passages);
    }
}
