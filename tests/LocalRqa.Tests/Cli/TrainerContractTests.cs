using System.Text.Json.Nodes;
using LocalRqa.Arguments;
using LocalRqa.Logging;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// What every trainer promises, checked the same way for CTL, DCA and RPG: all three go through one
/// <see cref="TrainingRun"/>, and these checks keep them from drifting apart again (a logging folder that must be
/// created, --test_file, --load_best_model_at_end both ways, resume with true/True/a path, Ctrl-C, evaluation only).
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainerContractTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-trainer-contract-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>Each trainer's flags for 4 steps on a slice of Faire with the tiny fixtures (evaluation at 2 and 4).</summary>
    string[] Flags(string trainer, string output)
    {
        string[] common = ["--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--output_dir", output, "--per_device_eval_batch_size", "16",
            "--max_steps", "4", "--eval_steps", "2", "--save_steps", "2", "--save_total_limit", "none", "--logging_steps", "1", "--learning_rate", "1e-3"];
        var data = Path.Combine(work, trainer + "-data");
        Directory.CreateDirectory(data);
        switch (trainer)
        {
            case "ctl":
            {
                var (train, eval, documents) = FaireSlice.Create(data, "train_w_q.jsonl", 12, "eval_w_q.jsonl", 5, leadingDocuments: 60);
                return [.. common, "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--test_file", eval,
                    "--per_device_train_batch_size", "8", "--hard_neg_ratio", "0.25"];
            }
            case "dca":
            {
                var (train, eval, documents) = FaireSlice.Create(data, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, leadingDocuments: 30);
                return [.. common, "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--test_file", eval,
                    "--reader_model_path", TestPaths.Fixture("t5-v1_1-tiny"), "--prepare_ctxs", "bm25", "--n_context", "4",
                    "--text_maxlength", "64", "--reader_batch_size", "2", "--per_device_train_batch_size", "4"];
            }
            default:
            {
                var (train, eval, documents) = FaireSlice.Create(data, "train_w_qa.jsonl", 8, "eval_w_qa.jsonl", 4, leadingDocuments: 30);
                return [.. common, "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--test_file", eval,
                    "--lm_model_path", TestPaths.Fixture("llama-tiny"), "--lm_score_cache", Path.Combine(data, "lm-scores.jsonl"),
                    "--text_maxlength", "128", "--num_docs", "4", "--refresh_step", "2", "--per_device_train_batch_size", "4"];
            }
        }
    }

    static CliRun Train(string trainer, string[] flags, params string[] extra) => CliRun.Of(["train", trainer, .. flags, .. extra]);

    static string Log(string output) => File.ReadAllText(Path.Combine(output, "train.log"));

    /// <summary>Every prompt_name in the model card's Python snippet is a prompt of the saved config_sentence_transformers.json.</summary>
    static void AssertCardPromptsAreSaved(string output)
    {
        var card = File.ReadAllText(Path.Combine(output, "README.md"));
        var config = Path.Combine(output, "config_sentence_transformers.json");
        var saved = File.Exists(config) && JsonNode.Parse(File.ReadAllText(config))!["prompts"] is JsonObject prompts
            ? prompts.Select(p => p.Key).ToHashSet()
            : [];
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(card, "prompt_name=\"([^\"]*)\""))
            Assert.Contains(m.Groups[1].Value, saved);
    }

    /// <summary>
    /// The card names its base model so a reader elsewhere can find it (the fixture folder by its absolute path, not the
    /// relative one the run was given) and says with which similarity, the one the saved folder records, to use the model.
    /// </summary>
    static void AssertCardNamesBaseModelAndSimilarity(string output)
    {
        var card = File.ReadAllText(Path.Combine(output, "README.md"));
        Assert.Contains($"\nbase_model: {Path.TrimEndingDirectorySeparator(Path.GetFullPath(TestPaths.Fixture("bert-tiny")))}\n", card);
        var similarity = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config_sentence_transformers.json")))!["similarity_fn_name"]!.GetValue<string>();
        Assert.Contains($"Use it with **similarity {similarity}, ", card);
        var comparison = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "retriever_comparison.json")))!;
        Assert.Equal(similarity, (string?)comparison["dense_setup"]!["similarity"]);
        Assert.DoesNotContain("latency |", card);
    }

    [Theory]
    [InlineData("ctl")]
    [InlineData("dca")]
    [InlineData("rpg")]
    public void EveryTrainerKeepsTheSharedPromises(string trainer)
    {
        var output = Path.Combine(work, trainer);
        var flags = Flags(trainer, output);

        // A logging folder that does not exist yet, the jsonl report, the test file, and the last step's model.
        var logging = Path.Combine(work, trainer + "-logs", "nested");
        var first = Train(trainer, flags, "--report_to", "jsonl", "--logging_dir", logging, "--load_best_model_at_end", "false");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(4 + 3, File.ReadAllLines(Path.Combine(logging, "log_history.jsonl")).Length); // 4 training logs, evals at 0, 2, 4
        var test = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "test_score.json")))!;
        Assert.NotNull(test["test_retr/document_recall/recall4"]);
        Assert.True(File.Exists(Path.Combine(output, "test-predictions.jsonl")));
        Assert.Contains("saving the model of the last step, 4 (--load_best_model_at_end false)", Log(output));
        Assert.DoesNotContain("best model: ", Log(output));
        // The saved model is the last step's: its weights are checkpoint-4's, byte for byte (same machine, same writer).
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "checkpoint-4", "model.safetensors")), File.ReadAllBytes(Path.Combine(output, "model.safetensors")));
        AssertCardPromptsAreSaved(output);
        AssertCardNamesBaseModelAndSimilarity(output);
        // trainer_state.json records the batch size as HF does (it said 0 before).
        var allArgs = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!.AsObject();
        var batch = allArgs.Select(g => g.Value?["per_device_train_batch_size"]).First(v => v is not null)!.GetValue<int>();
        Assert.Equal(batch, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!["train_batch_size"]!.GetValue<int>());

        // Resume spelled as HF users type it: the newest checkpoint, nothing left to train.
        foreach (var spelling in new[] { "True", "true" })
        {
            var resumed = Train(trainer, flags, "--resume_from_checkpoint", spelling);
            Assert.True(resumed.ExitCode == 0, resumed.Stderr);
            Assert.Contains($"resumed from {Path.Combine(output, "checkpoint-4")} at step 4", Log(output));
        }
        // The log is continued, not restarted: the first run's evaluation of the base model is still there.
        Assert.Contains("eval at step 0", Log(output));
        Assert.Contains("continuing the run in", Log(output));

        // Resume from a given folder: steps 3 and 4 again, with TensorBoard events and the best model loaded at the end.
        var board = Path.Combine(work, trainer + "-board");
        var fromPath = Train(trainer, flags, "--resume_from_checkpoint", Path.Combine(output, "checkpoint-2"), "--report_to", "tensorboard",
            "--logging_dir", board);
        Assert.True(fromPath.ExitCode == 0, fromPath.Stderr);
        Assert.Contains($"resumed from {Path.Combine(output, "checkpoint-2")} at step 2", Log(output));
        Assert.Contains("best model: ", Log(output));
        Assert.NotEmpty(Directory.GetFiles(board, "events.out.tfevents.*"));
    }

    [Theory]
    [InlineData("ctl")]
    [InlineData("dca")]
    [InlineData("rpg")]
    public void CtrlCStopsAfterTheStepWithACheckpoint(string trainer)
    {
        var output = Path.Combine(work, trainer);
        var own = trainer switch
        {
            "ctl" => CtlArguments.Schema,
            "dca" => DcaArguments.Schema,
            _ => RpgArguments.Schema,
        };
        var arguments = ArgumentParser.Parse(Flags(trainer, output), [TrainingArguments.Schema, own]);
        TrainingAlgorithm algorithm = trainer switch
        {
            "ctl" => new CtlAlgorithm(arguments),
            "dca" => new DcaAlgorithm(arguments),
            _ => new RpgAlgorithm(arguments),
        };
        using (var log = new RunLog(TextWriter.Null))
            // What the first Ctrl-C does: ask the trainer to stop after the step in progress.
            TrainingRun.Run(algorithm, arguments, log, trainer => trainer.RequestStop());
        Assert.True(File.Exists(Path.Combine(output, "checkpoint-1", "model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoint-2")));
        Assert.Contains("stopped early at step 1 of 4 on request", Log(output));
        // The saved folder says so too: a stopped run never looks finished.
        Assert.True(JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!["stopped_early"]!.GetValue<bool>());
        Assert.Contains("stopped early at step 1 of 4", File.ReadAllText(Path.Combine(output, "README.md")));
    }

    [Theory]
    [InlineData("ctl")]
    [InlineData("dca")]
    [InlineData("rpg")]
    public void EvaluationOnlyLeavesScoresAndNoModel(string trainer)
    {
        var output = Path.Combine(work, trainer);
        var run = Train(trainer, Flags(trainer, output), "--do_train", "false");
        Assert.True(run.ExitCode == 0, run.Stderr);
        EvaluationOnlyOutputs.AssertIn(output);
        Assert.True(File.Exists(Path.Combine(output, "test_score.json"))); // --test_file is evaluated in eval-only mode too
    }
}
