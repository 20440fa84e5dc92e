using System.Text.Json.Nodes;
using LocalRqa.Encoders;
using LocalRqa.Runtime;
using LocalRqa.Training;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Tests.Training;

/// <summary>
/// A checkpoint save that fails part-way (here the objective's state, as a full disk would fail any of its files) removes
/// its half-written folder and keeps the last complete checkpoint. FullDiskTests does the same on a real full disk.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainingCheckpointsTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-checkpoints-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void AFailedSaveRemovesItsStagingFolderAndKeepsTheLastCompleteCheckpoint()
    {
        TorchRuntime.Initialize();
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        var objective = new FailingObjective(encoder);
        using var optimizer = AdamWOptimizer.Create(encoder.TrainableModules(), new AdamWSettings(1e-3));
        var schedule = new LearningRateSchedule(LearningRateScheduleKind.Linear, 0, 10);
        var checkpoints = new TrainingCheckpoints(work);
        checkpoints.Save(1, objective, optimizer, schedule, new TrainerState { GlobalStep = 1 });

        // What the file writers throw on a full disk: an RqaException naming the file, the IOException inside.
        objective.Failure = new RqaException("objective_state.json: cannot write: No space left on device", new IOException("No space left on device"));
        var error = Assert.Throws<RqaException>(() => checkpoints.Save(2, objective, optimizer, schedule, new TrainerState { GlobalStep = 2 }));
        Assert.Equal(["checkpoint-1"], Directory.GetFileSystemEntries(work).Select(Path.GetFileName));
        Assert.Equal($"{checkpoints.PathOf(2)}: cannot write the checkpoint: No space left on device", error.Message);
        Assert.Equal(checkpoints.PathOf(1), checkpoints.Latest());
    }

    sealed class FailingObjective(SentenceEncoder encoder) : ITrainingObjective
    {
        public Exception? Failure { get; set; }
        public string Name => "failing";
        public SentenceEncoder Encoder => encoder;
        public int BatchesPerEpoch => 1;
        public double Epoch => 0;
        public double AccumulateGradients(double scale) => 0;
        public JsonObject SaveState() => Failure is { } failure ? throw failure : new JsonObject();
        public void RestoreState(JsonObject state) { }
    }
}
