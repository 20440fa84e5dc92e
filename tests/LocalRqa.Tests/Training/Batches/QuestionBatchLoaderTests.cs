using System.Text.Json;
using LocalRqa.Data;
using LocalRqa.Training.Batches;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Training.Batches;

public sealed class QuestionBatchLoaderTests
{
    static readonly IReadOnlyList<RetrievalExample> Ten = Enumerable.Range(0, 10)
        .Select(i => new RetrievalExample($"q{i}", [Document.Create($"p{i}", null, null)], [], null, null, i + 1))
        .ToList();

    static string[] Questions(QuestionBatch batch) => batch.Examples.Select(e => e.Question).ToArray();

    [Fact]
    public void AnEpochServesEveryExampleOnceAndKeepsThePartialLastBatch()
    {
        var loader = new QuestionBatchLoader(Ten, batchSize: 4, seed: 13);
        var batches = loader.Epoch(0).ToList();
        Assert.Equal(3, loader.BatchesPerEpoch); // ceil(10 / 4)
        Assert.Equal([4, 4, 2], batches.Select(b => b.Examples.Count));
        Assert.Equal([0, 1, 2], batches.Select(b => b.Index));
        var served = batches.SelectMany(Questions).ToList();
        Assert.Equal(Ten.Select(e => e.Question).Order(), served.Order());
        Assert.Equal(loader.Permutation(0).Select(i => $"q{i}"), served);
        Assert.NotEqual(Ten.Select(e => e.Question), served); // shuffled, not file order

        Assert.Equal([new QuestionLoaderState(13, 0, 0), new(13, 0, 4), new(13, 0, 8)], batches.Select(b => b.From));
        Assert.Equal([new QuestionLoaderState(13, 0, 4), new(13, 0, 8), new(13, 1, 0)], batches.Select(b => b.Next));
    }

    [Fact]
    public void OrderIsDeterministicPerEpochAndDiffersBetweenEpochsAndSeeds()
    {
        var loader = new QuestionBatchLoader(Ten, 4, seed: 13);
        var same = new QuestionBatchLoader(Ten, 4, seed: 13);
        Assert.Equal(loader.Permutation(0), same.Permutation(0));
        Assert.Equal(loader.Permutation(3), same.Permutation(3));
        Assert.NotEqual(loader.Permutation(0), loader.Permutation(1));
        Assert.NotEqual(loader.Permutation(0), new QuestionBatchLoader(Ten, 4, seed: 14).Permutation(0));
        Assert.Equal(loader.Epoch(2).SelectMany(Questions), same.Epoch(2).SelectMany(Questions));
    }

    [Fact]
    public void ResumingAtASavedStateReproducesTheRemainingBatches()
    {
        var loader = new QuestionBatchLoader(Ten, 4, seed: 7);
        var epoch = loader.Epoch(1).ToList();

        // Save after the first batch, as JSON, and resume in a "new process" from it.
        var saved = JsonSerializer.Serialize(epoch[0].Next);
        var state = JsonSerializer.Deserialize<QuestionLoaderState>(saved);
        Assert.Equal(new QuestionLoaderState(7, 1, 4), state);
        var resumed = new QuestionBatchLoader(Ten, 4, seed: 7).Remaining(state).ToList();

        Assert.Equal(epoch.Skip(1).Select(Questions), resumed.Select(Questions));
        Assert.Equal(epoch.Skip(1).Select(b => b.Index), resumed.Select(b => b.Index));
        // Hard-negative sampling seeds depend on (seed, epoch, position) only, so they match too.
        Assert.Equal(epoch.Skip(1).Select(b => b.SamplingSeed), resumed.Select(b => b.SamplingSeed));
        Assert.Equal(epoch.Select(b => b.SamplingSeed).Distinct().Count(), epoch.Count);

        // Any position works, e.g. mid-batch: examples 5 … 9 of the permutation.
        var tail = loader.Remaining(new QuestionLoaderState(7, 1, 5)).SelectMany(Questions);
        Assert.Equal(loader.Permutation(1)[5..].Select(i => $"q{i}"), tail);

        // The end of an epoch serves nothing; the rolled-over state starts the next epoch.
        Assert.Empty(loader.Remaining(new QuestionLoaderState(7, 1, 10)));
        Assert.Equal(loader.Epoch(2).Select(Questions), loader.Remaining(epoch[^1].Next).Select(Questions));
    }

    [Fact]
    public void ResumedBatchesBuildTheSameCtlBatches()
    {
        var examples = RetrievalDataReader.Read(Path.Combine(TestPaths.SharedDataRoot, "faire", "train_w_q.jsonl"));
        var loader = new QuestionBatchLoader(examples, 40, seed: 42);
        var builder = new CtlBatchBuilder(0.05);
        var full = loader.Epoch(0).Select(b => builder.Build(b.Examples, b.SamplingRandom())).ToList();
        Assert.Equal(15, full.Count); // ceil(575 / 40) = 15: 14 × 40 + one of 15
        Assert.Equal(15, full[^1].Size);
        Assert.Equal(0, full[^1].RequestedHardNegatives); // int(0.05 × 15) = int(0.75) = 0
        var resumed = loader.Remaining(new QuestionLoaderState(42, 0, 200)).Select(b => builder.Build(b.Examples, b.SamplingRandom())).ToList();
        Assert.Equal(full.Skip(5).Select(b => b.Candidates), resumed.Select(b => b.Candidates));
    }

    [Fact]
    public void BadStatesAndSettingsAreRefused()
    {
        var loader = new QuestionBatchLoader(Ten, 4, seed: 7);
        Assert.Throws<ArgumentException>(() => loader.Remaining(new QuestionLoaderState(8, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Remaining(new QuestionLoaderState(7, 0, 11)));
        Assert.Throws<ArgumentException>(() => new QuestionBatchLoader(Ten, 0, 7));
        Assert.Throws<ArgumentException>(() => new QuestionBatchLoader([], 4, 7));
    }
}
