using LocalRqa.Runtime;
using LocalRqa.Training.Optimization;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Optimization;

[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainingSeedTests
{
    public TrainingSeedTests() => TorchRuntime.Initialize();

    static (float[] Torch, int[] Order) Draw(int seed)
    {
        using var scope = NewDisposeScope();
        var random = TrainingSeed.Apply(seed);
        return (rand(4).data<float>().ToArray(), Enumerable.Range(0, 4).Select(_ => random.Next(1000)).ToArray());
    }

    [Fact]
    public void SameSeedReproducesTorchAndDataOrder()
    {
        var first = Draw(42);
        var second = Draw(42);
        Assert.Equal(first.Torch, second.Torch);
        Assert.Equal(first.Order, second.Order);
        Assert.NotEqual(first.Torch, Draw(43).Torch);
    }
}
