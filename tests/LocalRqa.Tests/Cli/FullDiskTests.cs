using LocalRqa.Files;
using LocalRqa.Tests.Files;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Runs that fail on a real full disk (a small tmpfs) leave no partial results: no score.json without its predictions,
/// no half-written checkpoint folder, no staging folder, and the last complete checkpoint kept.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-full-disk-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    static string[] Leftovers(string folder) => Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories)
        .Select(Path.GetFileName).Where(n => n!.Contains(".tmp-") || n.Contains(".saving-") || n.StartsWith(ResultFiles.StagingPrefix)).ToArray()!;

    [TmpfsFact]
    public void TestRetrieverLeavesNeitherScoresNorPredictions()
    {
        // 16 questions' predictions with their passages take about 180 KiB; arguments, log and scores fit in 64.
        using var disk = new Tmpfs(kibibytes: 64);
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var questions = Path.Combine(work, "eval.jsonl");
        File.WriteAllLines(questions, File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")).Take(8));
        var output = Path.Combine(disk.Root, "out");

        var run = CliRun.Of("test-retriever", "--retriever_type", "bm25", "--document_path", Path.Combine(faire, "documents.pkl"),
            "--eval_data_path", questions, "--output_dir", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"rqa: error: {Path.Combine(output, "test-predictions.jsonl")}: cannot write: No space left on device", run.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(output, "score.json")), "score.json without test-predictions.jsonl");
        Assert.False(File.Exists(Path.Combine(output, "test-predictions.jsonl")));
        Assert.Empty(Leftovers(output));
    }

    [TmpfsFact]
    public void PrepareCtxsWritesNoFileWhenOneDoesNotFit()
    {
        // The second input sits on a 16 KiB disk: its ctxs file (4 questions × 20 passages) does not fit beside it.
        using var disk = new Tmpfs(kibibytes: 16);
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var lines = File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")).Take(4).ToList();
        var first = Path.Combine(work, "first.jsonl");
        var second = Path.Combine(disk.Root, "second.jsonl");
        File.WriteAllLines(first, lines[..2]);
        File.WriteAllLines(second, lines[2..]);
        var documents = Path.Combine(work, "docs.jsonl");
        LocalRqa.Data.DocumentDatabase.SaveJsonLines(documents, LocalRqa.Data.DocumentDatabase.Load(Path.Combine(faire, "documents.pkl")).Take(300));

        var run = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--input", first, second, "--n_context", "20");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No space left on device", run.Stderr);
        Assert.False(File.Exists(Path.Combine(work, "first_ctxs.json")), "the first input's file without the second's");
        Assert.False(File.Exists(Path.Combine(disk.Root, "second_ctxs.json")));
        Assert.Empty(Leftovers(work));
        Assert.Empty(Leftovers(disk.Root));
    }

    [TmpfsFact]
    public void TrainCtlKeepsTheLastCompleteCheckpointAndRemovesTheFailedOne()
    {
        // A bert-tiny checkpoint (model, optimizer, state) takes about 610 KiB: the first fits in 1000, the second does not.
        using var disk = new Tmpfs(kibibytes: 1000);
        var output = Path.Combine(disk.Root, "out");

        var run = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "3", "--save_steps", "1", "--save_total_limit", "3"));
        Assert.Equal(2, run.ExitCode);
        Assert.Empty(Leftovers(output));
        Assert.Contains("No space left on device", run.Stderr);
        Assert.Contains("checkpoint-2: cannot write the checkpoint", run.Stderr);
        Assert.Equal(["checkpoint-1"], Directory.GetDirectories(output).Select(Path.GetFileName));
        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors", "objective_state.json", "trainer_state.json", "rng_state.safetensors" })
            Assert.True(File.Exists(Path.Combine(output, "checkpoint-1", file)), file);
        // The run's final results (the model at the root, its state, card and charts) appear only with a finished run.
        foreach (var file in new[] { "model.safetensors", "trainer_state.json", "README.md", "loss.png" })
            Assert.False(File.Exists(Path.Combine(output, file)), file);
    }

    [TmpfsFact]
    public void TrainCtlWritesNoFinalResultWhenTheLastDoesNotFit()
    {
        // One checkpoint (about 610 KiB), the model, state, charts and card (about 300 KiB) fit in 1000 KiB; the
        // --test_file predictions (about 145 KiB), written last, do not.
        using var disk = new Tmpfs(kibibytes: 1000);
        var output = Path.Combine(disk.Root, "out");
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var test = Path.Combine(work, "test.jsonl");
        File.WriteAllLines(test, File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")).Take(8));
        var documents = Path.Combine(work, "docs.jsonl");
        LocalRqa.Data.DocumentDatabase.SaveJsonLines(documents, LocalRqa.Data.DocumentDatabase.Load(Path.Combine(faire, "documents.pkl")).Take(300));

        var run = CliRun.Of(RqaProcess.SmallCtlRun(work, output, "--max_steps", "1", "--save_steps", "1", "--test_file", test,
            "--full_dataset_file_path", documents));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{Path.Combine(output, "test-predictions.jsonl")}: cannot write: No space left on device", run.Stderr);
        Assert.Empty(Leftovers(output));
        foreach (var file in new[] { "model.safetensors", "config.json", "trainer_state.json", "README.md", "loss.png", "test_score.json", "test-predictions.jsonl" })
            Assert.False(File.Exists(Path.Combine(output, file)), $"{file} without the rest of the run's results");
        Assert.True(File.Exists(Path.Combine(output, "checkpoint-1", "trainer_state.json")));
    }
}
