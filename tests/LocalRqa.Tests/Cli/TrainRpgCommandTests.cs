using System.Text.Json.Nodes;
using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Logging;
using LocalRqa.Training;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa train rpg` end to end: a few steps on a slice of Faire with bert-tiny as the retriever and llama-tiny as
/// the LM; the score cache across runs, resume, and bad input.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainRpgCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-train-rpg-").FullName;
    readonly string train, eval, documents, cache;

    public TrainRpgCommandTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_qa.jsonl", 8, "eval_w_qa.jsonl", 4, leadingDocuments: 30);
        cache = Path.Combine(work, "lm-scores.jsonl");
    }

    public void Dispose() => Directory.Delete(work, true);

    string[] Args(string output, params string[] extra) =>
        ["--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--lm_model_path", TestPaths.Fixture("llama-tiny"),
         "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--output_dir", output,
         "--per_device_train_batch_size", "4", "--per_device_eval_batch_size", "16", "--max_steps", "4", "--eval_steps", "2",
         "--save_steps", "2", "--logging_steps", "1", "--learning_rate", "1e-3", "--text_maxlength", "128", "--num_docs", "4",
         "--refresh_step", "2", "--lm_score_cache", cache, .. extra];

    CliRun Train(string output, params string[] extra) => CliRun.Of(["train", "rpg", .. Args(output, extra)]);

    string Log(string output) => File.ReadAllText(Path.Combine(output, "train.log"));

    [Fact]
    public void ProducesEveryOutputAndASecondRunReusesTheLmScoreCache()
    {
        var output = Path.Combine(work, "model");
        var run = Train(output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (var file in new[] { "all_args.json", "train.log", "trainer_state.json", "config.json", "model.safetensors", "vocab.txt",
                     "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json", "README.md",
                     "loss.png", "learning_rate.png", "eval_metrics.png", "step-0-predictions.jsonl", "step-4-predictions.jsonl" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Contains(Directory.GetDirectories(output, "checkpoint-*"), d => d.EndsWith("checkpoint-4"));
        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!;
        Assert.Equal(4, args["replug_args"]!["num_docs"]!.GetValue<int>());
        Assert.Equal(cache, args["replug_args"]!["lm_score_cache"]!.GetValue<string>());
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!;
        Assert.Equal(4, state["global_step"]!.GetValue<int>());
        var st = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config_sentence_transformers.json")))!;
        Assert.Equal("cosine", st["similarity_fn_name"]!.GetValue<string>());

        var log = Log(output);
        // Refresh cadence: 4 steps with refresh_step 2 embed the database before batches 1 and 3.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(log, "index refreshed before batch").Count);
        Assert.Contains("index refreshed before batch 3", log);
        Assert.Matches(@"rpg batch 1: gold passage already retrieved for \d/4 questions \(\d\.\d\d\)", log);
        Assert.Matches(@"LM scoring: [1-9]\d* LM forward passes", log);
        Assert.Contains("base model against the saved model", log);
        Assert.True(File.ReadAllLines(cache).Length > 1);

        // Same data, seed and model: every passage it retrieves was scored by the first run.
        var again = Train(Path.Combine(work, "again"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        var second = Log(Path.Combine(work, "again"));
        Assert.Contains("LM scoring: 0 LM forward passes", second);
        Assert.Contains("LM: 0 forward passes", second);
    }

    [Fact]
    public void ResumingReachesTheSameWeightsAsAnUninterruptedRun()
    {
        var straight = Path.Combine(work, "straight");
        Assert.Equal(0, Train(straight, "--save_total_limit", "none").ExitCode);

        var interrupted = Path.Combine(work, "interrupted");
        using (var log = new RunLog(TextWriter.Null))
        {
            var arguments = Parse(Args(interrupted, "--save_total_limit", "none"));
            TrainingRun.Run(new RpgAlgorithm(arguments), arguments, log, trainer => trainer.RequestStopAt(2));
        }
        Assert.False(Directory.Exists(Path.Combine(interrupted, "checkpoint-4")));
        var resumed = Train(interrupted, "--save_total_limit", "none", "--resume_from_checkpoint", "true");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resumed from", Log(interrupted));

        var a = LocalRqa.Checkpoints.SafetensorsFile.Open(Path.Combine(straight, "checkpoint-4", "model.safetensors"));
        var b = LocalRqa.Checkpoints.SafetensorsFile.Open(Path.Combine(interrupted, "checkpoint-4", "model.safetensors"));
        foreach (var name in a.Names)
        {
            var diff = a.Read(name).ToFloats().Zip(b.Read(name).ToFloats(), (p, q) => Math.Abs(p - q)).Max();
            Assert.True(diff <= 1e-6, $"{name}: max abs diff {diff}");
        }
    }

    static ArgumentSet Parse(string[] args) => ArgumentParser.Parse(args, [TrainingArguments.Schema, RpgArguments.Schema]);

    [Fact]
    public void QuestionSideTrainingNeverRefreshesTheIndex()
    {
        var output = Path.Combine(work, "frozen");
        var run = Train(output, "--train_passage_encoder", "false", "--max_steps", "3", "--eval_steps", "3", "--save_steps", "3");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var log = Log(output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "index refreshed"));
        Assert.Contains("Index: 1 full embeddings of the database", log);
        // Evaluation ranks what was trained: the base model's passage embeddings, queried by the trained model.
        Assert.Contains("embed passages with", log);
        Assert.Contains("only the question side was trained", File.ReadAllText(Path.Combine(output, "README.md")));
    }

    [Fact]
    public void BadInputIsAOneLineErrorAndWritesNothing()
    {
        var lines = File.ReadAllLines(train);
        var node = JsonNode.Parse(lines[2])!.AsObject();
        node.Remove("gold_answer");
        lines[2] = node.ToJsonString();
        var noAnswer = Path.Combine(work, "no-answer.jsonl");
        File.WriteAllLines(noAnswer, lines);
        var template = Path.Combine(work, "template.txt");
        File.WriteAllText(template, "Question: {formatted_chat}\nAnswer:");

        var output = Path.Combine(work, "bad");
        foreach (var (extra, message) in new (string[], string)[]
                 {
                     (["--train_file", noAnswer], $"{noAnswer}:3: no 'gold_answer'"),
                     (["--num_docs", "1000"], "--num_docs 1000 is larger than the database"),
                     (["--lm_prompt_template", template], "lacks {formatted_documents}"),
                     (["--lm_model_path", TestPaths.Fixture("bert-tiny")], "llama"),
                     (["--retrieve_temperature", "0"], "--retrieve_temperature must be > 0"),
                 })
        {
            var run = Train(output, extra);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(message, run.Stderr);
            Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.False(Directory.Exists(output), string.Join(" ", extra));
        }
    }

    [Fact]
    public void HelpListsTheRpgFlagsWithLocalRqaDefaults()
    {
        var run = CliRun.Of("train", "rpg", "--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var flag in new[] { "--lm_model_path", "--text_maxlength", "--lm_temperature", "--retrieve_temperature", "--num_docs",
                     "--refresh_step", "--lm_dtype", "--lm_prompt_template", "--train_passage_encoder", "--lm_score_cache", "--pooling_type" })
            Assert.Contains(flag, run.Stdout);
        Assert.Contains("stabilityai/stablelm-zephyr-3b", run.Stdout);
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
