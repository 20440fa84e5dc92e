using LocalRqa.Data;

namespace LocalRqa.Training.Batches;

/// <summary>
/// Serves the flattened training examples in batches of per_device_train_batch_size, reshuffled every epoch,
/// keeping the last partial batch (HuggingFace's default dataloader_drop_last=False).
/// Epoch e's order: a Fisher–Yates shuffle of 0 … N−1 (for i = N−1 down to 1: j = rng.Next(i + 1), swap i and j)
/// with rng = new Random(derive(seed, shuffle, e)); so the order depends on (seed, epoch) only and a run resumed
/// at (seed, epoch, position) serves exactly the batches it would have served.
/// </summary>
internal sealed class QuestionBatchLoader
{
    readonly IReadOnlyList<RetrievalExample> examples;

    public QuestionBatchLoader(IReadOnlyList<RetrievalExample> examples, int batchSize, int seed)
    {
        if (examples.Count == 0) throw new ArgumentException("no training examples");
        if (batchSize < 1) throw new ArgumentException($"per_device_train_batch_size must be at least 1, got {batchSize}");
        this.examples = examples;
        BatchSize = batchSize;
        Seed = seed;
    }

    public int BatchSize { get; }

    public int Seed { get; }

    public int Count => examples.Count;

    /// <summary>ceil(N / batch size): the partial last batch counts.</summary>
    public int BatchesPerEpoch => (Count + BatchSize - 1) / BatchSize;

    public QuestionLoaderState Start => QuestionLoaderState.Start(Seed);

    /// <summary>The order in which epoch <paramref name="epoch"/> serves the examples (indices into the training set).</summary>
    public int[] Permutation(int epoch) => Shuffle(Count, Seed, epoch);

    /// <summary>Epoch <paramref name="epoch"/>'s order of <paramref name="count"/> items; other trainers (DCA) share it.</summary>
    public static int[] Shuffle(int count, int seed, int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epochs count from 0");
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(DerivedSeeds.Derive(seed, DerivedSeeds.Shuffle, epoch));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Every batch of one epoch, from its start.</summary>
    public IEnumerable<QuestionBatch> Epoch(int epoch) => Remaining(new QuestionLoaderState(Seed, epoch, 0));

    /// <summary>
    /// The batches of <paramref name="start"/>'s epoch from its position on; the last one's <c>Next</c> is
    /// (seed, epoch + 1, 0). A state at the end of an epoch serves nothing.
    /// </summary>
    public IEnumerable<QuestionBatch> Remaining(QuestionLoaderState start)
    {
        if (start.Seed != Seed) throw new ArgumentException($"the state was saved with seed {start.Seed}, the loader has seed {Seed}");
        if (start.Epoch < 0 || start.Position < 0 || start.Position > Count)
            throw new ArgumentOutOfRangeException(nameof(start), start, $"epoch must be ≥ 0 and position between 0 and {Count}");
        return Serve(start);
    }

    IEnumerable<QuestionBatch> Serve(QuestionLoaderState start)
    {
        var order = Permutation(start.Epoch);
        for (var position = start.Position; position < Count; position += BatchSize)
        {
            var end = Math.Min(position + BatchSize, Count);
            var next = end == Count ? new QuestionLoaderState(Seed, start.Epoch + 1, 0) : start with { Position = end };
            var batch = order[position..end].Select(i => examples[i]).ToList();
            yield return new QuestionBatch(start with { Position = position }, next, position / BatchSize, batch);
        }
    }
}
