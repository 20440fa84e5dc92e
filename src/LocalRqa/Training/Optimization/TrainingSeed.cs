using static TorchSharp.torch;

namespace LocalRqa.Training.Optimization;

/// <summary>HF's set_seed for a CPU run: seeds torch's generator (dropout, initialization) and the data order.</summary>
internal static class TrainingSeed
{
    /// <summary>Seeds torch with <paramref name="seed"/> and returns the generator to shuffle examples with.</summary>
    public static Random Apply(int seed)
    {
        manual_seed(seed);
        return new Random(seed);
    }
}
