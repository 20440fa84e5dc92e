using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalRqa.Tests.Hub;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// The pre-flight of every verb, in real rqa processes: a bad model, metric name, output path or hub id fails in seconds,
/// before the first expensive step (reader scoring, embedding, training) and before anything is written; a run that
/// fails later ends its log with the error it printed.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class PreflightTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-preflight-").FullName;
    readonly string train, eval, documents;

    public PreflightTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, leadingDocuments: 30);
    }

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>rqa as a child process: its exit code and everything it printed.</summary>
    static CliRun Rqa(string[] args, IReadOnlyDictionary<string, string>? environment = null) => RqaProcess.Run(args, environment);

    static string ErrorLine(CliRun run)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr}");
        return Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("rqa: error:", StringComparison.Ordinal));
    }

    static void AssertNothingWritten(string output)
    {
        Assert.False(File.Exists(Path.Combine(output, "all_args.json")), "all_args.json was written");
        Assert.False(File.Exists(Path.Combine(output, "train.log")), "train.log was written");
        Assert.False(File.Exists(Path.Combine(output, "test.log")), "test.log was written");
    }

    [Fact]
    public void DcaWithAWrongShapeRetrieverFailsBeforeTheReaderScoresAnything()
    {
        var wrong = Directory.CreateDirectory(Path.Combine(work, "wrong-shape")).FullName;
        foreach (var file in Directory.GetFiles(TestPaths.Fixture("bert-tiny"))) File.Copy(file, Path.Combine(wrong, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(wrong, "config.json")))!;
        config["hidden_size"] = 24; // the weights are 48 wide
        File.WriteAllText(Path.Combine(wrong, "config.json"), config.ToJsonString());
        var output = Path.Combine(work, "dca");

        var run = Rqa(["train", "dca", "--model_name_or_path", wrong, "--reader_model_path", TestPaths.Fixture("t5-v1_1-tiny"),
            "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--output_dir", output,
            "--prepare_ctxs", "bm25", "--n_context", "4", "--text_maxlength", "64", "--max_steps", "2"]);

        Assert.Contains("has shape [38, 48] but the model built from config.json needs [38, 24]", ErrorLine(run));
        Assert.DoesNotContain("scor", run.Stderr.Replace("rqa: error:", ""), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Reader", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void AMistypedEngineSettingFailsBeforeAnyWork()
    {
        var output = Path.Combine(work, "ctl-engine");
        var run = Rqa(["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--full_dataset_file_path", documents,
            "--train_file", train, "--eval_file", eval, "--output_dir", output, "--max_steps", "2"], new Dictionary<string, string> { ["RQA_ENGINE"] = "gpu" });

        Assert.Equal("rqa: error: RQA_ENGINE must be auto, torch or onnx, got 'gpu'", ErrorLine(run));
        AssertNothingWritten(output);
    }

    [Fact]
    public void AnUnknownMetricFailsBeforeAnyEvaluationOrTrainingStep()
    {
        var output = Path.Combine(work, "ctl");
        var run = Rqa(["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--full_dataset_file_path", documents,
            "--train_file", train, "--eval_file", eval, "--output_dir", output, "--max_steps", "2",
            "--metric_for_best_model", "eval_retr/document_recall/recal4"]);

        var line = ErrorLine(run);
        Assert.Contains("--metric_for_best_model eval_retr/document_recall/recal4 is not among the evaluation's metrics", line);
        Assert.Contains("did you mean eval_retr/document_recall/recall4", line);
        Assert.DoesNotContain("eval at step", run.Stderr);
        Assert.DoesNotContain("training ctl:", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void AnIndexPathThatCannotBeCreatedFailsBeforeEmbedding()
    {
        var file = Path.Combine(work, "a-file");
        File.WriteAllText(file, "not a folder");
        var output = Path.Combine(work, "test");
        var run = Rqa(["test-retriever", "--embedding_model_name_or_path", TestPaths.Fixture("bert-tiny"), "--document_path", documents,
            "--eval_data_path", eval, "--output_dir", output, "--index_path", Path.Combine(file, "index")]);

        Assert.Contains($"--index_path {Path.Combine(file, "index")} cannot be created: {file} is a file, not a folder", ErrorLine(run));
        Assert.DoesNotContain("embedding", run.Stderr);
        Assert.DoesNotContain("Initializing retriever", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void AnUnknownHubIdFailsWithTheOfflineAdviceBeforeAnythingIsWritten()
    {
        using var hub = new FakeHub(); // no repos: every model is a 404
        var cache = Directory.CreateDirectory(Path.Combine(work, "hub-cache")).FullName;
        var output = Path.Combine(work, "hub-run");
        var run = Rqa([.. RqaProcess.SmallCtlRun(work, output, "--model_name_or_path", "nobody/nothing", "--max_steps", "2")],
            new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HUB_CACHE"] = cache, ["HF_HUB_OFFLINE"] = "0" });

        var line = ErrorLine(run);
        Assert.Contains("nobody/nothing not found on the hub", line);
        Assert.Contains(cache, line);
        Assert.Contains("HF_HUB_OFFLINE=1", line);
        Assert.Contains("local model folder", line);
        Assert.Contains("built-in model (Snowflake/snowflake-arctic-embed-xs", line);
        Assert.DoesNotContain("run again", line);
        AssertNothingWritten(output);
        Assert.False(Directory.Exists(output), "the output folder was created");
    }

    [Fact]
    public void ACheckpointThatDoesNotFitTheModelFailsBeforeAnythingIsWritten()
    {
        // A T5 folder as the checkpoint of a BERT retriever: none of its weights fit.
        var output = Path.Combine(work, "resume");
        var run = Rqa(RqaProcess.SmallCtlRun(work, output, "--max_steps", "2", "--resume_from_checkpoint", TestPaths.Fixture("t5-v1_1-tiny")));

        Assert.Contains("missing weights", ErrorLine(run));
        Assert.DoesNotContain("training ctl:", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void AMissingTestFileFailsBeforeTraining()
    {
        var output = Path.Combine(work, "test-file");
        var missing = Path.Combine(work, "no-such-test.jsonl");
        var run = Rqa(RqaProcess.SmallCtlRun(work, output, "--max_steps", "2", "--full_dataset_file_path", documents, "--test_file", missing));

        Assert.Contains($"{missing}: file not found", ErrorLine(run));
        Assert.DoesNotContain("training ctl:", run.Stderr);
        AssertNothingWritten(output);
    }

    [Fact]
    public void ARunThatFailsAfterItsLogExistsEndsTheLogWithTheError()
    {
        // A learning rate that makes the loss NaN within a few steps: a failure only training can find.
        var output = Path.Combine(work, "nan");
        var run = Rqa(RqaProcess.SmallCtlRun(work, output, "--max_steps", "6", "--learning_rate", "1e30", "--per_device_train_batch_size", "4"));

        var line = ErrorLine(run);
        Assert.Contains("the loss became", line);
        var last = File.ReadLines(Path.Combine(output, "train.log")).Last();
        Assert.EndsWith(" - " + line, last);
    }
}
