using System.Text.Json.Nodes;
using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Arguments;

public sealed class ArgumentJsonTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-args-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    string Write(string json, string name = "args.json")
    {
        var path = Path.Combine(work, name);
        File.WriteAllText(path, json);
        return path;
    }

    const string SeedJson = """
        {
          "full_dataset_file_path": "d.pkl", "train_file": "t.jsonl", "eval_file": "e.jsonl",
          "model_name_or_path": "intfloat/e5-base-v2", "pooling_type": "mean", "learning_rate": 1e-4,
          "per_device_train_batch_size": 256, "per_device_eval_batch_size": 128, "hard_neg_ratio": 0.05,
          "metric_for_best_model": "eval_retr/document_recall/recall4", "output_dir": "model_checkpoints/my_CTL_ret_model"
        }
        """;

    [Fact]
    public void JsonFileEqualsTheSeedCommand()
    {
        var fromJson = CtlArgs.Parse(Write(SeedJson));
        Assert.Equal(CtlArgs.Parse(CtlArgs.Seed).Records, fromJson.Records);
    }

    [Fact]
    public void JsonAcceptsAliasesStringNumbersAndNulls()
    {
        var set = CtlArgs.Parse(Write("""
            {"output_dir": "o", "train_file": "t", "eval_file": "e", "full_dataset_file_path": "d",
             "eval_strategy": "epoch", "save_strategy": "epoch", "learning_rate": "2e-5", "do_eval": "True",
             "save_total_limit": null, "max_length": 256, "num_train_epochs": 2, "resume_from_checkpoint": null}
            """));
        var t = set.Get<TrainingArguments>();
        Assert.Equal(IntervalStrategy.Epoch, t.EvaluationStrategy);
        Assert.Equal(2e-5, t.LearningRate);
        Assert.Null(t.SaveTotalLimit);
        Assert.Equal(2.0, t.NumTrainEpochs);
        Assert.Equal(256, set.Get<CtlArguments>().MaxLength);
    }

    [Fact]
    public void JsonErrorsNameTheFileAndKey()
    {
        var unknown = Write("""{"output_dir": "o", "learning_rat": 1}""");
        Assert.Equal($"{unknown}: unknown key 'learning_rat' (did you mean 'learning_rate'?)", Error(unknown));
        var far = Write("""{"output_dir": "o", "xyzzy": 1}""", "far.json");
        Assert.Equal($"{far}: unknown key 'xyzzy'", Error(far));
        var bad = Write("""{"output_dir": "o", "learning_rate": "fast"}""", "bad.json");
        Assert.Equal($"{bad}: learning_rate: expected a number, got 'fast'", Error(bad));
        var fraction = Write("""{"output_dir": "o", "seed": 1.5}""", "fraction.json");
        Assert.Equal($"{fraction}: seed: expected an integer, got '1.5'", Error(fraction));
        var type = Write("""{"output_dir": 3}""", "type.json");
        Assert.Equal($"{type}: output_dir: expected a string, got 3", Error(type));
        var nulls = Write("""{"output_dir": "o", "learning_rate": null}""", "null.json");
        Assert.Equal($"{nulls}: learning_rate: null is not allowed (expected a number)", Error(nulls));
        var choice = Write("""{"output_dir": "o", "report_to": "wandb"}""", "choice.json");
        Assert.StartsWith($"{choice}: report_to: 'wandb' is not one of none, jsonl, tensorboard", Error(choice));
        var missing = Write("""{"train_file": "t"}""", "missing.json");
        Assert.Equal($"{missing}: missing required key 'output_dir'", Error(missing));
        var list = Write("[1]", "list.json");
        Assert.Equal($"{list}: expected a JSON object", Error(list));
        var broken = Write("{", "broken.json");
        Assert.StartsWith($"{broken}: invalid JSON", Error(broken));
        var absent = Path.Combine(work, "absent.json");
        Assert.Equal($"{absent}: file not found", Error(absent));
    }

    string Error(string path) => Assert.Throws<RqaException>(() => CtlArgs.Parse(path)).Message;

    [Fact]
    public void ToJsonFileRoundTrips()
    {
        var original = CtlArgs.ParseMinimalWith("--save_total_limit", "none", "--max_length", "64", "--learning_rate", "3e-5",
            "--lr_scheduler_type", "constant_with_warmup", "--eval_strategy", "epoch", "--save_strategy", "epoch",
            "--resume_from_checkpoint", "true", "--similarity", "cosine", "--num_train_epochs", "2.5", "--report_to", "jsonl");
        var path = Path.Combine(work, "again.json");
        original.ToJsonFile(path);
        var again = CtlArgs.Parse(path);
        Assert.Equal(original.Records, again.Records);

        var flat = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(flat.Select(kv => kv.Key).Order(StringComparer.Ordinal), flat.Select(kv => kv.Key));
        Assert.Equal("constant_with_warmup", (string?)flat["lr_scheduler_type"]);
        Assert.Equal("epoch", (string?)flat["evaluation_strategy"]);
        Assert.Null(flat["save_total_limit"]);
        Assert.True(flat.ContainsKey("save_total_limit"));
    }

    [Fact]
    public void AllArgsIsGroupedSortedAndReadable()
    {
        var set = CtlArgs.Parse(CtlArgs.Seed);
        var path = set.WriteAllArgs(Path.Combine(work, "model"));
        Assert.Equal(Path.Combine(work, "model", "all_args.json"), path);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(["contrastive_args", "data_args", "model_args", "training_args"], json.Select(kv => kv.Key));
        Assert.Equal("intfloat/e5-base-v2", (string?)json["model_args"]!["model_name_or_path"]);
        Assert.Equal("d.pkl", (string?)json["data_args"]!["full_dataset_file_path"]);
        Assert.Equal(1e-4, (double)json["training_args"]!["learning_rate"]!);
        Assert.Equal(0.05, (double)json["contrastive_args"]!["hard_neg_ratio"]!);
        foreach (var (_, group) in json)
        {
            var keys = group!.AsObject().Select(kv => kv.Key).ToArray();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        }
        var fieldCount = TrainingArguments.Schema.Fields.Count + CtlArguments.Schema.Fields.Count;
        Assert.Equal(fieldCount, json.Sum(kv => kv.Value!.AsObject().Count));

        // A run's all_args.json can be passed back as the argument file.
        Assert.Equal(set.Records, CtlArgs.Parse(path).Records);
    }
}
