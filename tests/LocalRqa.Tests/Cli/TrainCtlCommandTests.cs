using System.Text.Json.Nodes;
using LocalRqa.Data;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa train ctl` end to end: a few steps on a slice of Faire with the tiny fixture model.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainCtlCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-train-ctl-").FullName;
    readonly string train, eval, documents;

    public TrainCtlCommandTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 12, "eval_w_q.jsonl", 5, leadingDocuments: 60);
    }

    public void Dispose() => Directory.Delete(work, true);

    CliRun Train(string output, params string[] extra) => CliRun.Of(
        ["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--full_dataset_file_path", documents, "--train_file", train,
         "--eval_file", eval, "--output_dir", output, "--per_device_train_batch_size", "8", "--per_device_eval_batch_size", "16",
         "--max_steps", "4", "--eval_steps", "2", "--save_steps", "2", "--logging_steps", "1", "--learning_rate", "1e-3",
         "--hard_neg_ratio", "0.25", "--grad_cache_chunk_size", "4", .. extra]);

    [Fact]
    public void ProducesEveryOutputAndAModelRqaEncodeLoads()
    {
        var output = Path.Combine(work, "model");
        var run = Train(output, "--report_to", "jsonl");
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (var file in new[] { "all_args.json", "train.log", "trainer_state.json", "config.json", "model.safetensors", "vocab.txt",
                     "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json", "README.md",
                     "loss.png", "learning_rate.png", "eval_metrics.png", "step-0-predictions.jsonl", "step-4-predictions.jsonl" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Contains(Directory.GetDirectories(output, "checkpoint-*"), d => d.EndsWith("checkpoint-4"));
        // --report_to jsonl: one line per log entry (4 training logs, 3 evaluations at steps 0, 2, 4).
        Assert.Equal(7, File.ReadAllLines(Path.Combine(output, "log_history.jsonl")).Length);

        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!;
        Assert.Equal(4, state["global_step"]!.GetValue<int>());
        Assert.Contains(state["log_history"]!.AsArray(), e => e!["eval_retr/document_recall/recall4"] is not null);
        var st = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config_sentence_transformers.json")))!;
        Assert.Equal("dot", st["similarity_fn_name"]!.GetValue<string>()); // CTL's default similarity travels with the model
        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!;
        Assert.Equal(8, args["training_args"]!["per_device_train_batch_size"]!.GetValue<int>());
        // The gain table closes the run: base (step 0) against the saved model, BM25 and both fused with BM25, each
        // with its margin over the base model (TrainHybridComparisonTests checks the numbers).
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("base model against the saved model, as dense retrievers, BM25, and each fused with BM25", log);
        Assert.Matches(@"BM25 on the eval questions \(--bm25_baseline\): recall1 \d\.\d{3}, recall4 \d\.\d{3}", log);
        Assert.Matches(@"INFO -   hybrid\(step \d \+ BM25\) +\d\.\d{3} \([+-]?\d\.\d{3}\) +\d\.\d{3} \([+-]?\d\.\d{3}\)", log);
        Assert.True(File.Exists(Path.Combine(output, "hybrid_retrieval.json")));
        var card = File.ReadAllText(Path.Combine(output, "README.md"));
        Assert.Contains("recall4", card);
        Assert.Contains("| hybrid(base + BM25) |", card);
        Assert.Contains("loss.png", card);

        var input = Path.Combine(work, "in.jsonl");
        File.WriteAllText(input, """{"text": "How do I reset my password?"}""" + "\n");
        var encode = CliRun.Of("encode", "--model_name_or_path", output, "--input", input, "--output", Path.Combine(work, "emb.jsonl"));
        Assert.True(encode.ExitCode == 0, encode.Stderr);

        // The output folder now holds a run: refused unless told to overwrite or resume.
        var again = Train(output);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds a run", again.Stderr);
        Assert.Equal(0, Train(output, "--overwrite_output_dir", "--bm25_baseline", "false").ExitCode);
        var plainLog = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("base model against the saved model:", plainLog);
        Assert.DoesNotContain("BM25", plainLog);
    }

    [Fact]
    public void ADivergingLossStopsWithAClearMessageAndKeepsTheLastCheckpoint()
    {
        var output = Path.Combine(work, "diverge");
        var run = Train(output, "--learning_rate", "1e6", "--max_steps", "20", "--save_steps", "1",
            "--max_grad_norm", "0", "--do_eval", "false", "--evaluation_strategy", "no", "--load_best_model_at_end", "false");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the loss became", run.Stderr);
        var checkpoints = Directory.GetDirectories(output, "checkpoint-*");
        Assert.NotEmpty(checkpoints);
        Assert.True(File.Exists(Path.Combine(checkpoints[0], "model.safetensors")));
    }

    [Fact]
    public void ReportsToTensorBoardEventFiles()
    {
        var output = Path.Combine(work, "tb");
        var run = Train(output, "--report_to", "tensorboard");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var events = Assert.Single(Directory.GetFiles(Path.Combine(output, "runs"), "events.out.tfevents.*"));
        var text = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(events));
        Assert.Contains("train/loss", text);
        Assert.Contains("eval_retr/document_recall/recall4", text);
    }

    [Fact]
    public void EvaluationOnlyMode()
    {
        var output = Path.Combine(work, "eval-only");
        var run = Train(output, "--do_train", "false");
        Assert.True(run.ExitCode == 0, run.Stderr);
        EvaluationOnlyOutputs.AssertIn(output);
    }

    [Fact]
    public void TestFileIsEvaluatedAfterTraining()
    {
        var output = Path.Combine(work, "with-test");
        var run = Train(output, "--test_file", eval);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "test_score.json")))!;
        Assert.NotNull(scores["test_retr/document_recall/recall4"]);
        Assert.Equal(10, File.ReadAllLines(Path.Combine(output, "test-predictions.jsonl")).Length);
    }

    [Fact]
    public void ArgumentsFromAJsonFileAndBadValues()
    {
        var output = Path.Combine(work, "json");
        var file = Path.Combine(work, "args.json");
        File.WriteAllText(file, new JsonObject
        {
            ["model_name_or_path"] = TestPaths.Fixture("bert-tiny"), ["train_file"] = train, ["do_eval"] = false, ["evaluation_strategy"] = "no",
            ["load_best_model_at_end"] = false, ["output_dir"] = output, ["per_device_train_batch_size"] = 8, ["max_steps"] = 2, ["save_steps"] = 2,
        }.ToJsonString());
        var run = CliRun.Of("train", "ctl", file);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));

        // The same recipe with flags after it (as in `rqa train ctl examples/faire/ctl.json --max_steps 3`): they override it.
        var overridden = Path.Combine(work, "json-overridden");
        var again = CliRun.Of("train", "ctl", file, "--output_dir", overridden, "--max_steps", "1", "--save_steps", "1");
        Assert.True(again.ExitCode == 0, again.Stderr);
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(overridden, "trainer_state.json")))!;
        Assert.Equal(1, state["global_step"]!.GetValue<int>());
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(overridden, "all_args.json")))!["training_args"]!;
        Assert.Equal(1, saved["max_steps"]!.GetValue<int>());                     // from the command line
        Assert.Equal(8, saved["per_device_train_batch_size"]!.GetValue<int>());   // from the file

        var bad = CliRun.Of("train", "ctl", "--output_dir", Path.Combine(work, "bad"), "--lr_scheduler_type", "cosin", "--train_file", train);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'cosin' is not one of", bad.Stderr);
        var unknown = CliRun.Of("train", "ctl", "--output_dir", Path.Combine(work, "bad"), "--learning_rat", "1e-4", "--train_file", train);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--learning_rate", unknown.Stderr);
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("bm25")]
    public void MinedNegativesJoinTrainingAndAreWrittenAsALocalRqaFile(string source)
    {
        var output = Path.Combine(work, "mined-" + source);
        var run = Train(output, "--mine_hard_negatives", source, "--mined_negatives_per_question", "2", "--mining_skip_top", "1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains($"Mined 2 hard negatives per question with {source}", log);
        if (source == "dense") Assert.Contains("reusing the index built for mining", log);

        var original = RetrievalDataReader.Read(train);
        var mined = RetrievalDataReader.Read(Path.Combine(output, "train_with_mined_negatives.jsonl"));
        Assert.Equal(original.Select(e => e.Question), mined.Select(e => e.Question));
        for (var i = 0; i < mined.Count; i++)
        {
            Assert.Equal(original[i].HardNegDocs.Count + 2, mined[i].HardNegDocs.Count);
            Assert.Equal(original[i].HardNegDocs.Select(d => d.Identity), mined[i].HardNegDocs.Skip(2).Select(d => d.Identity));
            Assert.DoesNotContain(mined[i].HardNegDocs.Take(2), d => d.Identity == mined[i].GoldDocs[0].Identity);
        }
    }

    [Fact]
    public void MiningNeedsTheDocumentDatabase()
    {
        var run = CliRun.Of("train", "ctl", "--output_dir", Path.Combine(work, "no-db"), "--train_file", train, "--model_name_or_path",
            TestPaths.Fixture("bert-tiny"), "--do_eval", "false", "--evaluation_strategy", "no", "--mine_hard_negatives", "bm25");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--mine_hard_negatives searches the document database: it needs --full_dataset_file_path", run.Stderr);
    }
}
