using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Arguments;

/// <summary>A recipe file first, flags after it: the flags override the file, everything else comes from it.</summary>
public sealed class ArgumentFileOverrideTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-args-override-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    string Recipe(string json)
    {
        var path = Path.Combine(work, "recipe.json");
        File.WriteAllText(path, json);
        return path;
    }

    const string RecipeJson = """
        {"output_dir": "o", "train_file": "t.jsonl", "eval_file": "e.jsonl", "full_dataset_file_path": "d.pkl",
         "learning_rate": 1e-4, "max_steps": 36, "seed": 42, "temperature": 0.02, "use_prompts": false}
        """;

    [Fact]
    public void FlagsAfterTheFileOverrideItAndTheRestComesFromTheFile()
    {
        var recipe = Recipe(RecipeJson);
        var set = CtlArgs.Parse(recipe, "--max_steps", "3", "--temperature=0.05", "--use-prompts");
        var t = set.Get<TrainingArguments>();
        Assert.Equal(3, t.MaxSteps);                              // overridden
        Assert.Equal(0.05, set.Get<CtlArguments>().Temperature);  // overridden, --flag=value
        Assert.True(set.Get<CtlArguments>().UsePrompts);          // overridden, bare boolean in kebab case
        Assert.Equal(1e-4, t.LearningRate);                       // from the file
        Assert.Equal("t.jsonl", t.TrainFile);
        Assert.Equal(42, t.Seed);
        Assert.Equal(new TrainingArguments().PerDeviceTrainBatchSize, t.PerDeviceTrainBatchSize); // in neither: the default

        // The same records as writing the override into the file.
        var edited = CtlArgs.Parse(Recipe(RecipeJson.Replace("\"max_steps\": 36", "\"max_steps\": 3")
            .Replace("\"temperature\": 0.02", "\"temperature\": 0.05").Replace("\"use_prompts\": false", "\"use_prompts\": true")));
        Assert.Equal(edited.Records, set.Records);
    }

    [Fact]
    public void AnOverrideGivenTwiceTakesItsLastValue()
    {
        var t = CtlArgs.Parse(Recipe(RecipeJson), "--seed", "1", "--seed", "2").Get<TrainingArguments>();
        Assert.Equal(2, t.Seed);
    }

    [Fact]
    public void AllArgsJsonOfARunTakesOverridesToo()
    {
        var run = CtlArgs.ParseMinimalWith("--learning_rate", "3e-5", "--max_steps", "50");
        var allArgs = run.WriteAllArgs(Path.Combine(work, "run"));
        var again = CtlArgs.Parse(allArgs, "--max_steps", "5").Get<TrainingArguments>();
        Assert.Equal(5, again.MaxSteps);
        Assert.Equal(3e-5, again.LearningRate);
    }

    [Fact]
    public void ARequiredFlagMayComeFromEitherSide()
    {
        var withoutOutput = Recipe("""{"train_file": "t.jsonl", "eval_file": "e.jsonl", "full_dataset_file_path": "d.pkl"}""");
        Assert.Equal("o2", CtlArgs.Parse(withoutOutput, "--output_dir", "o2").Get<TrainingArguments>().OutputDir);
        Assert.Equal($"{withoutOutput}: missing required key 'output_dir'", CtlArgs.Error(withoutOutput, "--seed", "3"));
    }

    [Fact]
    public void OverridesAreCheckedAsFlagsAndTheFileAsAFile()
    {
        var recipe = Recipe(RecipeJson);
        Assert.Equal("--max_steps: expected an integer, got 'three'", CtlArgs.Error(recipe, "--max_steps", "three"));
        Assert.Equal("unknown flag --max_step (did you mean --max_steps?)", CtlArgs.Error(recipe, "--max_step", "3"));
        // Validation sees the merged values: the override makes the file's settings invalid.
        Assert.Equal("--max_steps must be -1 (train for --num_train_epochs) or at least 1, got 0", CtlArgs.Error(recipe, "--max_steps", "0"));
        var bad = Recipe("""{"output_dir": "o", "max_steps": "three"}""");
        Assert.Equal($"{bad}: max_steps: expected an integer, got 'three'", CtlArgs.Error(bad, "--max_steps", "3"));
    }

    [Fact]
    public void HelpAfterARecipeIsHelp() =>
        Assert.True(CtlArgs.Parse(Path.Combine(work, "absent.json"), "--help").HelpRequested);
}
