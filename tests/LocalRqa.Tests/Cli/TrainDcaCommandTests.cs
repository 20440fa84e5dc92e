using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Data.Dca;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa train dca` end to end on a slice of Faire: ctxs prepared with BM25 inside the command, the tiny T5 v1.1
/// fixture as the FiD reader and bert-tiny as the retriever.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainDcaCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-train-dca-").FullName;
    readonly string train, eval, documents;

    public TrainDcaCommandTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, leadingDocuments: 30);
    }

    public void Dispose() => Directory.Delete(work, true);

    string[] Flags(string output, params string[] extra) => SmallRun(train, eval, documents, output, extra);

    /// <summary>`rqa train dca` of bert-tiny on <see cref="FaireSlice"/> files, ctxs by BM25, t5-v1_1-tiny as the reader; 4 steps.</summary>
    internal static string[] SmallRun(string train, string eval, string documents, string output, params string[] extra) =>
        ["train", "dca", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--reader_model_path", TestPaths.Fixture("t5-v1_1-tiny"),
         "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--output_dir", output,
         "--prepare_ctxs", "bm25", "--n_context", "4", "--text_maxlength", "64", "--reader_batch_size", "2",
         "--per_device_train_batch_size", "4", "--per_device_eval_batch_size", "16", "--max_steps", "4", "--eval_steps", "2",
         "--save_steps", "2", "--save_total_limit", "none", "--logging_steps", "1", "--learning_rate", "1e-3", .. extra];

    CliRun Train(string output, params string[] extra) => CliRun.Of(Flags(output, extra));

    [Fact]
    public void ProducesEveryOutputThenReusesTheScores()
    {
        var output = Path.Combine(work, "model");
        var run = Train(output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (var file in new[] { "all_args.json", "train.log", "trainer_state.json", "config.json", "model.safetensors", "vocab.txt",
                     "modules.json", "1_Pooling/config.json", "README.md", "loss.png", "eval_metrics.png", "step-0-predictions.jsonl",
                     "step-4-predictions.jsonl", "train_ctxs.json", "train_ctxs_wscore.json", "checkpoint-2/model.safetensors", "checkpoint-4/optimizer.safetensors" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!;
        Assert.Equal(4, args["fid_args"]!["n_context"]!.GetValue<int>());
        Assert.Equal(0.1, args["fid_args"]!["reader_temperature"]!.GetValue<double>());
        var scored = DcaFileReader.Read(Path.Combine(output, "train_ctxs_wscore.json"));
        Assert.All(scored, q => Assert.True(q.IsScored && q.Contexts.Count == 4));
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("passages/s", log);
        Assert.Contains("base model against the saved model", log);
        Assert.DoesNotContain("refuses to load", File.ReadAllText(Path.Combine(output, "README.md")));

        // --with_score True on the scored file reuses the reader scores: no reader is loaded (a bad reader path proves it).
        var again = Train(Path.Combine(work, "again"), "--train_file", Path.Combine(output, "train_ctxs.json"), "--prepare_ctxs", "none",
            "--with_score", "True", "--reader_model_path", Path.Combine(work, "no-reader"), "--text_maxlength", "96");
        Assert.True(again.ExitCode == 0, again.Stderr);
        var againLog = File.ReadAllText(Path.Combine(work, "again", "train.log"));
        Assert.Contains("reading reader scores from", againLog);
        // bert-tiny has 64 positions: the retriever reads 64 tokens, whatever the reader's --text_maxlength.
        Assert.Contains("the retriever reads 64 tokens per text", againLog);
        // An unscored DCA eval file needs no scores with --with_score True: evaluation uses its gold passages.
        var evalCtxs = Path.Combine(work, "eval_ctxs.json");
        File.Copy(Path.Combine(output, "train_ctxs.json"), evalCtxs);
        var unscoredEval = Train(Path.Combine(work, "unscored-eval"), "--train_file", Path.Combine(output, "train_ctxs.json"), "--prepare_ctxs", "none",
            "--with_score", "True", "--eval_file", evalCtxs, "--max_steps", "2");
        Assert.True(unscoredEval.ExitCode == 0, unscoredEval.Stderr);
        Assert.Contains("evaluation uses its gold passages only", File.ReadAllText(Path.Combine(work, "unscored-eval", "train.log")));
        // --with_score False with the finished _wscore file beside the input reuses it when the same reader made it...
        var reuse = Train(Path.Combine(work, "reuse"), "--train_file", Path.Combine(output, "train_ctxs.json"), "--prepare_ctxs", "none");
        Assert.True(reuse.ExitCode == 0, reuse.Stderr);
        Assert.Contains("reusing the reader scores", File.ReadAllText(Path.Combine(work, "reuse", "train.log")));
        // ... and refuses it when another reader would have scored: its scores would not be this reader's.
        var other = Train(Path.Combine(work, "other"), "--train_file", Path.Combine(output, "train_ctxs.json"), "--prepare_ctxs", "none",
            "--reader_model_path", TestPaths.Fixture("t5-tiny-tied"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("train_ctxs_wscore.json: scored by reader sha256:", other.Stderr);
    }

    [Fact]
    public void ProjectionIsSavedReloadedByEncodeAndResumeReachesTheSameWeights()
    {
        var straight = Path.Combine(work, "straight");
        var run = Train(straight, "--projection", "True", "--indexing_dimension", "16");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(Path.Combine(straight, "projection", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(straight, "checkpoint-2", "projection", "model.safetensors")));
        Assert.Contains("sentence-transformers cannot express", File.ReadAllText(Path.Combine(straight, "README.md")));

        var input = Path.Combine(work, "in.jsonl");
        File.WriteAllText(input, """{"text": "How do I reset my password?"}""" + "\n");
        var embeddings = Path.Combine(work, "emb.jsonl");
        var encode = CliRun.Of("encode", "--model_name_or_path", straight, "--input", input, "--output", embeddings);
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        Assert.Equal(16, JsonNode.Parse(File.ReadLines(embeddings).First())!["embedding"]!.AsArray().Count);

        // Interrupted after checkpoint-2 (its later checkpoints lost), then resumed: the same step-4 weights, projection included.
        var resumed = Path.Combine(work, "resumed");
        Directory.CreateDirectory(resumed);
        foreach (var file in Directory.GetFiles(Path.Combine(straight, "checkpoint-2"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(resumed, "checkpoint-2", Path.GetRelativePath(Path.Combine(straight, "checkpoint-2"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var second = Train(resumed, "--projection", "True", "--indexing_dimension", "16", "--resume_from_checkpoint", Path.Combine(resumed, "checkpoint-2"));
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("resumed from", File.ReadAllText(Path.Combine(resumed, "train.log")));
        // The base model at step 0 had a random projection that no file keeps: the resumed run's table says it cannot show it.
        Assert.Contains("its projection was random", File.ReadAllText(Path.Combine(resumed, "train.log")));
        foreach (var file in new[] { "checkpoint-4/model.safetensors", "checkpoint-4/projection/model.safetensors" })
        {
            var a = SafetensorsFile.Open(Path.Combine(straight, file));
            var b = SafetensorsFile.Open(Path.Combine(resumed, file));
            Assert.Equal(a.Names.Order(), b.Names.Order());
            foreach (var name in a.Names)
                Assert.True(a.Read(name).Data.AsSpan().SequenceEqual(b.Read(name).Data), $"{file}: {name}");
        }
    }

    [Fact]
    public void ANonT5ReaderIsAOneLineError()
    {
        var run = Train(Path.Combine(work, "bad-reader"), "--reader_model_path", TestPaths.Fixture("bert-tiny"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("T5 encoder-decoder", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'), l => l.Contains("error"));
    }

    [Fact]
    public void HelpListsTheDcaFlagsAndALocalRqaFileNeedsPrepareCtxs()
    {
        var help = CliRun.Of("train", "dca", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var flag in new[] { "--reader_model_path", "--reader_temperature", "--with_score", "--text_maxlength", "--n_context",
                     "--apply_question_mask", "--apply_passage_mask", "--extract_cls", "--projection", "--reader_batch_size", "--indexing_dimension", "--prepare_ctxs" })
            Assert.Contains(flag, help.Stdout);
        var run = Train(Path.Combine(work, "no-ctxs"), "--prepare_ctxs", "none");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has no ctxs", run.Stderr);
        var bad = Train(Path.Combine(work, "bad-temp"), "--reader_temperature", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--reader_temperature must be > 0", bad.Stderr);
    }

    [Fact]
    public void EvaluationOnlyModeEvaluatesTheModelAsThisTrainerWould()
    {
        var output = Path.Combine(work, "eval-only");
        var run = Train(output, "--do_train", "false");
        Assert.True(run.ExitCode == 0, run.Stderr);
        EvaluationOnlyOutputs.AssertIn(output);
    }
}
