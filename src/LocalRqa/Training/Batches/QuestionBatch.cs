using LocalRqa.Data;

namespace LocalRqa.Training.Batches;

/// <summary>
/// One batch served by <see cref="QuestionBatchLoader"/>: its examples, where it starts (<see cref="From"/>) and the
/// state to save once it is trained on (<see cref="Next"/>, rolled over to the next epoch after the last batch).
/// </summary>
internal sealed record QuestionBatch(QuestionLoaderState From, QuestionLoaderState Next, int Index, IReadOnlyList<RetrievalExample> Examples)
{
    public int Epoch => From.Epoch;

    /// <summary>
    /// A seed for this batch's hard-negative sampling, derived from (seed, epoch, position): a resumed run
    /// draws the same negatives without saving any generator state. Use as <c>new Random(SamplingSeed)</c>.
    /// </summary>
    public int SamplingSeed => DerivedSeeds.Derive(From.Seed, DerivedSeeds.HardNegatives, From.Epoch, From.Position);

    public Random SamplingRandom() => new(SamplingSeed);
}
