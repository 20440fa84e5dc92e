using LocalRqa.Training;
using LocalRqa.Training.Reports;

namespace LocalRqa.Tests.Training.Reports;

public sealed class TrainingChartsTests : IDisposable
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    readonly string folder = Directory.CreateTempSubdirectory("rqa-charts-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Draws_loss_learning_rate_and_eval_charts_as_png()
    {
        var state = SyntheticTrainerState.Create();
        var baseline = new Dictionary<string, double> { [SyntheticTrainerState.Recall4] = 0.6 };

        var written = TrainingCharts.Write(folder, state, baseline);

        Assert.Equal([TrainingCharts.LossFile, TrainingCharts.LearningRateFile, TrainingCharts.EvalFile], written.Files);
        foreach (var name in written.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, name));
            Assert.Equal(PngSignature, bytes[..8]);
            // A blank 900x540 PNG compresses to a few hundred bytes; curves, labels and a legend make several KB.
            Assert.True(bytes.Length > 10_000, $"{name}: {bytes.Length} bytes");
            var (width, height) = PngSize(bytes);
            Assert.Equal((900, 540), (width, height));
        }
        // Only a machine without any font file gets charts without text, and is told so.
        if (written.Warning is not null) Assert.StartsWith("no font found", written.Warning);
        Assert.Equal(3, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public void Empty_history_draws_nothing()
    {
        var written = TrainingCharts.Write(folder, new TrainerState());

        Assert.Empty(written.Files);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Chart_without_data_is_skipped_and_a_stale_one_removed()
    {
        File.WriteAllText(Path.Combine(folder, TrainingCharts.EvalFile), "from an earlier run");
        var state = SyntheticTrainerState.Create();
        state.LogHistory.RemoveAll(e => e.ContainsKey(SyntheticTrainerState.Recall4));

        var written = TrainingCharts.Write(folder, state);

        Assert.Equal([TrainingCharts.LossFile, TrainingCharts.LearningRateFile], written.Files);
        Assert.False(File.Exists(Path.Combine(folder, TrainingCharts.EvalFile)));
    }

    [Fact]
    public void Rewriting_leaves_no_temporary_files()
    {
        var state = SyntheticTrainerState.Create();
        TrainingCharts.Write(folder, state);
        TrainingCharts.Write(folder, state);

        Assert.Equal(
            [TrainingCharts.EvalFile, TrainingCharts.LearningRateFile, TrainingCharts.LossFile],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Eval_chart_falls_back_to_other_scores_and_ignores_bookkeeping()
    {
        var state = new TrainerState();
        state.LogHistory.Add(new() { ["step"] = 10, ["eval_accuracy"] = 0.5, ["eval_runtime"] = 2 });
        state.LogHistory.Add(new() { ["step"] = 20, ["eval_accuracy"] = 0.7, ["eval_runtime"] = 2 });

        Assert.Equal([TrainingCharts.EvalFile], TrainingCharts.Write(folder, state).Files);

        state.LogHistory.ForEach(e => e.Remove("eval_accuracy"));
        Assert.Empty(TrainingCharts.Write(folder, state).Files);
    }

    /// <summary>Width and height from the IHDR chunk, which follows the signature.</summary>
    static (int, int) PngSize(byte[] png) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)),
         System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
}
