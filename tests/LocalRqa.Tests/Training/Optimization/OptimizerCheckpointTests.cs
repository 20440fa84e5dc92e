using LocalRqa.Runtime;
using LocalRqa.Training.Optimization;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Optimization;

[Collection(GlobalTorchStateCollection.Name)]
public sealed class OptimizerCheckpointTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("rqa-optim-").FullName;

    public OptimizerCheckpointTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(folder, true);

    static readonly AdamWSettings Settings = new(LearningRate: 0.05, WeightDecay: 0.1);
    static readonly LearningRateSchedule Schedule = new(LearningRateScheduleKind.Linear, WarmupSteps: 2, TrainingSteps: 5);

    static TinyNormModel NewModel()
    {
        manual_seed(7);
        return new TinyNormModel();
    }

    /// <summary>Optimizer steps [from, to) with a different batch per step, lr set from the schedule before each step.</summary>
    static void Train(TinyNormModel model, AdamWOptimizer optimizer, int from, int to)
    {
        for (var step = from; step < to; step++)
        {
            using var scope = NewDisposeScope();
            var generator = new TorchSharp.torch.Generator((ulong)(100 + step));
            var input = randn([4, 3], generator: generator);
            var target = randn([4, 2], generator: generator);
            optimizer.SetLearningRate(Schedule.LearningRate(Settings.LearningRate, step));
            optimizer.ZeroGrad();
            var loss = (model.forward(input) - target).pow(2).mean();
            loss.backward();
            GradientClipping.ClipGradNorm(model.parameters(), 1.0);
            optimizer.Step();
        }
    }

    static void CopyParameters(TinyNormModel from, TinyNormModel to)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in from.named_parameters()) to.Parameter(name).copy_(parameter);
    }

    [Fact]
    public void ResumingAfterThreeStepsEqualsAnUninterruptedRunBitForBit()
    {
        using var straight = NewModel();
        using (var optimizer = AdamWOptimizer.Create(straight, Settings)) Train(straight, optimizer, 0, 5);

        using var first = NewModel();
        using (var optimizer = AdamWOptimizer.Create(first, Settings))
        {
            Train(first, optimizer, 0, 3);
            OptimizerCheckpoint.Save(folder, optimizer, Schedule, completedSteps: 3);
        }

        // A new process: fresh model holding the checkpointed weights, fresh optimizer, state loaded.
        using var resumed = new TinyNormModel();
        CopyParameters(first, resumed);
        using (var optimizer = AdamWOptimizer.Create(resumed, Settings))
        {
            var state = OptimizerCheckpoint.Load(folder, optimizer);
            Assert.Equal(3, state.CompletedSteps);
            Assert.Equal(Schedule, state.Schedule);
            Train(resumed, optimizer, (int)state.CompletedSteps, 5);
        }

        foreach (var (name, _) in straight.named_parameters())
            Assert.Equal(straight.Values(name), resumed.Values(name));
        // And the run did move the weights: the comparison is not between untouched initial values.
        using var initial = NewModel();
        Assert.NotEqual(initial.Values("dense.weight"), straight.Values("dense.weight"));
    }

    [Fact]
    public void LoadingIntoADifferentModelFails()
    {
        using var model = NewModel();
        using (var optimizer = AdamWOptimizer.Create(model, Settings))
        {
            Train(model, optimizer, 0, 1);
            OptimizerCheckpoint.Save(folder, optimizer, Schedule, completedSteps: 1);
        }
        using var other = new TinyNormModel(inputs: 5);
        using var otherOptimizer = AdamWOptimizer.Create(other, Settings);
        var e = Assert.Throws<RqaException>(() => OptimizerCheckpoint.Load(folder, otherOptimizer));
        Assert.Contains("dense.weight.exp_avg", e.Message);
    }
}
