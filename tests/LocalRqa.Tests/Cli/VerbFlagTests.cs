using LocalRqa.Arguments;
using LocalRqa.Cli;
using LocalRqa.Cli.Commands;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Every verb reads its flags the same way: spellings, booleans, recipe files, help layout and errors. These runs
/// stop at parsing (or at help), so no model is loaded.
/// </summary>
public sealed class VerbFlagTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-verb-flags-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>The least each verb's flags need to be valid.</summary>
    static readonly Dictionary<string, string[]> Minimal = new()
    {
        ["encode"] = ["--input", "in.jsonl", "--output", "out.jsonl"],
        ["test-retriever"] = ["--document_path", "d.pkl", "--eval_data_path", "e.jsonl", "--output_dir", "o"],
        ["prepare-ctxs"] = ["--full_dataset_file_path", "d.pkl", "--input", "q.jsonl"],
        ["train ctl"] = ["--output_dir", "o", "--train_file", "t.jsonl", "--eval_file", "e.jsonl", "--full_dataset_file_path", "d.pkl"],
        ["train dca"] = ["--output_dir", "o", "--train_file", "t.jsonl", "--eval_file", "e.jsonl", "--full_dataset_file_path", "d.pkl"],
        ["train rpg"] = ["--output_dir", "o", "--train_file", "t.jsonl", "--eval_file", "e.jsonl", "--full_dataset_file_path", "d.pkl"],
        ["export onnx"] = ["--model_name_or_path", "m", "--output_dir", "o"],
    };

    public static TheoryData<string> Verbs() => new(CommandLine.Commands.Select(c => c.Name));

    static Command Verb(string name) => CommandLine.Commands.Single(c => c.Name == name);

    static ArgumentSet Parse(string verb, params string[] extra) => ArgumentParser.Parse([.. Minimal[verb], .. extra], Verb(verb).Schemas);

    static CliRun Cli(string verb, params string[] args) => CliRun.Of([.. verb.Split(' '), .. args]);

    /// <summary>Exit 2 and one line on stderr that starts as every rqa error does; returns the line.</summary>
    static string OneLineError(CliRun run)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rqa: error: ", line);
        return line;
    }

    [Fact]
    public void EveryVerbIsListedAndHasMinimalFlags()
    {
        Assert.Equal(["encode", "test-retriever", "prepare-ctxs", "train ctl", "train dca", "train rpg", "export onnx"], CommandLine.Commands.Select(c => c.Name));
        foreach (var verb in Minimal.Keys) Assert.False(Parse(verb).HelpRequested);
    }

    [Theory]
    [InlineData("encode", "--batchsize", "--batch_size")]
    [InlineData("encode", "--normalise", "--normalize")]
    [InlineData("encode", "--model-name-or-pth", "--model_name_or_path")]
    [InlineData("test-retriever", "--top-kk", "--top_k")]
    [InlineData("test-retriever", "--rebuild_indx", "--rebuild_index")]
    [InlineData("test-retriever", "--embedding_model", "--embedding_model_name_or_path")]
    [InlineData("prepare-ctxs", "--n_contexts", "--n_context")]
    [InlineData("prepare-ctxs", "--retreiver", "--retriever")]
    [InlineData("train ctl", "--learning_rat", "--learning_rate")]
    [InlineData("train dca", "--reader_temprature", "--reader_temperature")]
    [InlineData("train rpg", "--lm_model", "--lm_model_path")]
    [InlineData("export onnx", "--pooling_in_grph", "--pooling_in_graph")]
    public void AMisspelledFlagGetsDidYouMean(string verb, string typo, string meant)
    {
        var line = OneLineError(Cli(verb, [.. Minimal[verb], typo, "3"]));
        Assert.Equal($"rqa: error: unknown flag {typo} (did you mean {meant}?) (see 'rqa {verb} --help')", line);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void AFlagFarFromAnyNameIsNotFollowedByTheWholeList(string verb) =>
        Assert.Equal($"rqa: error: unknown flag --xyzzy (see 'rqa {verb} --help')", OneLineError(Cli(verb, [.. Minimal[verb], "--xyzzy", "1"])));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void EveryVerbPrintsTheSameHelpLayout(string verb)
    {
        var command = Verb(verb);
        var run = Cli(verb, "--help");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(run.Stdout, Cli(verb, [.. Minimal[verb], "-h"]).Stdout);
        Assert.StartsWith($"Usage: rqa {verb} [ARGS.json] [--flag value ...]\n\n{command.Summary}\n\n", run.Stdout);
        Assert.EndsWith("\n\n" + Command.FlagRules, run.Stdout);

        // The table: a "group:" line over its flags, each flag once as `  --name VALUE  DEFAULT  DESCRIPTION`, the
        // descriptions starting in one column.
        var lines = run.Stdout.Split('\n');
        var fields = command.Schemas.SelectMany(s => s.Fields).ToArray();
        foreach (var group in fields.Select(f => f.Group).Distinct()) Assert.Contains(group + ":", lines);
        var columns = fields.Select(f =>
        {
            var line = Assert.Single(lines, l => l.StartsWith($"  {f.Flag} {f.ValueHint} "));
            var at = line.IndexOf("  " + f.Description, StringComparison.Ordinal);
            Assert.True(at > 0, line);
            return at;
        }).Distinct();
        Assert.Single(columns);
    }

    [Fact]
    public void TopLevelHelpVersionAndUnknownCommands()
    {
        var help = CliRun.Of("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in CommandLine.Commands) Assert.Contains($"  {command.Name}", help.Stdout);
        var train = CliRun.Of("train", "--help");
        Assert.Equal(0, train.ExitCode);
        Assert.Contains("train dca", train.Stdout);
        Assert.DoesNotContain("encode", train.Stdout);
        var version = CliRun.Of("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
        // The library records the same version in what it saves (an index manifest's rqa_version): it said 1.0.0.
        var library = typeof(LocalRqa.Indexing.VectorIndexManifest).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(version.Stdout.Trim(), library);

        Assert.Equal("rqa: error: unknown command 'encod' (did you mean 'encode'?) (see 'rqa --help')", OneLineError(CliRun.Of("encod", "--input", "x")));
        Assert.Equal("rqa: error: unknown command 'ctll' (did you mean 'ctl'?) (see 'rqa train --help')", OneLineError(CliRun.Of("train", "ctll")));
        Assert.Equal("rqa: error: rqa train needs a command: ctl, dca, rpg (see 'rqa train --help')", OneLineError(CliRun.Of("train")));
        Assert.StartsWith("rqa: error: rqa needs a command: encode, ", OneLineError(CliRun.Of()));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void KebabAndSnakeSpellingsAreTheSameFlags(string verb)
    {
        string Outcome(string[] extra)
        {
            try { return Parse(verb, extra).ToJson().ToJsonString(); }
            catch (RqaException e) { return "error: " + e.Message; }
        }
        var fields = Verb(verb).Schemas.SelectMany(s => s.Fields).Where(f => f.Name.Contains('_')).ToArray();
        Assert.NotEmpty(fields);
        var parsed = 0;
        foreach (var field in fields)
        {
            var value = SomeValue(field);
            var kebab = "--" + field.Name.Replace('_', '-');
            var snakeOutcome = Outcome(value is null ? [field.Flag] : [field.Flag, value]);
            Assert.Equal(snakeOutcome, Outcome(value is null ? [kebab] : [kebab, value]));
            Assert.Equal(snakeOutcome, Outcome(value is null ? [kebab] : [$"{kebab}={value}"]));
            if (!snakeOutcome.StartsWith("error: ")) parsed++;
        }
        Assert.True(parsed >= fields.Length / 2, $"only {parsed} of {fields.Length} flags parsed");
    }

    /// <summary>A value the field accepts (its default where it has one); null for a bare boolean.</summary>
    static string? SomeValue(ArgumentField field) => field.Kind switch
    {
        ArgumentKind.Boolean => null,
        ArgumentKind.TextList => "q.jsonl",
        ArgumentKind.Choice => field.Choices[^1],
        _ when field.DefaultValue is not null => ArgumentField.Format(field.DefaultValue),
        ArgumentKind.Integer => "3",
        ArgumentKind.Number => "0.5",
        _ => "x",
    };

    public static TheoryData<string, string, bool?> Booleans()
    {
        var data = new TheoryData<string, string, bool?>();
        // HfArgumentParser's string_to_bool, any case; null: the bare flag.
        var vocabulary = new (string, bool?)[]
        {
            ("True", true), ("true", true), ("TRUE", true), ("1", true), ("yes", true), ("y", true), ("t", true),
            ("False", false), ("false", false), ("0", false), ("no", false), ("n", false), ("f", false), ("", null),
        };
        foreach (var verb in new[] { "encode", "test-retriever", "train ctl", "train dca", "train rpg" })
            foreach (var (text, value) in vocabulary) data.Add(verb, text, value);
        return data;
    }

    [Theory]
    [MemberData(nameof(Booleans))]
    public void BooleansReadTheSameInEveryVerb(string verb, string text, bool? value)
    {
        var booleans = Verb(verb).Schemas.SelectMany(s => s.Fields).Where(f => f.Kind == ArgumentKind.Boolean).ToArray();
        Assert.NotEmpty(booleans);
        foreach (var field in booleans)
        {
            string[] given = text.Length == 0 ? [field.Flag] : [field.Flag, text];
            var set = Parse(verb, given);
            var record = set.Records.Single(r => r.Schema.Fields.Contains(field));
            Assert.Equal(value ?? true, field.GetValue(record));
            if (text.Length > 0)
            {
                var inline = Parse(verb, $"{field.Flag}={text}");
                Assert.Equal(value, field.GetValue(inline.Records.Single(r => r.Schema.Fields.Contains(field))));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ABadBooleanIsTheSameErrorInEveryVerb(string verb)
    {
        var field = Verb(verb).Schemas.SelectMany(s => s.Fields).FirstOrDefault(f => f.Kind == ArgumentKind.Boolean);
        if (field is null) return; // prepare-ctxs has no boolean flag
        Assert.Equal($"rqa: error: {field.Flag}: expected true or false, got 'maybe' (see 'rqa {verb} --help')",
            OneLineError(Cli(verb, [.. Minimal[verb], field.Flag, "maybe"])));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ARecipeFileFirstAndFlagsAfterItOverrideIt(string verb)
    {
        // The verb's minimal flags plus one integer flag, written as a recipe file.
        var integer = Verb(verb).Schemas.SelectMany(s => s.Fields).First(f => f.Kind == ArgumentKind.Integer && !f.IsNullable);
        // Two values other than the default that the flag accepts (export's --opset takes 13 to 21 only).
        var (inFile, onTop) = integer.DefaultValue is int byDefault && byDefault > 9 ? ($"{byDefault + 1}", $"{byDefault + 2}") : ("7", "9");
        var recipe = Path.Combine(work, verb.Replace(' ', '-') + ".json");
        Parse(verb, integer.Flag, inFile).ToJsonFile(recipe);

        var fromFile = ArgumentParser.Parse([recipe], Verb(verb).Schemas);
        Assert.Equal(Parse(verb, integer.Flag, inFile).ToJson().ToJsonString(), fromFile.ToJson().ToJsonString());
        var overridden = ArgumentParser.Parse([recipe, integer.Flag.Replace('_', '-'), onTop], Verb(verb).Schemas);
        Assert.Equal(Parse(verb, integer.Flag, onTop).ToJson().ToJsonString(), overridden.ToJson().ToJsonString());

        // On the command line, a bad override is a one-line error naming the flag.
        Assert.Equal($"rqa: error: {integer.Flag}: expected an integer, got 'many' (see 'rqa {verb} --help')",
            OneLineError(Cli(verb, recipe, integer.Flag, "many")));
        Assert.StartsWith("rqa: error: unexpected argument", OneLineError(Cli(verb, integer.Flag, "9", recipe)));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void KnownHfFlagsGetTheirAnswerInEveryVerb(string verb)
    {
        foreach (var flag in new[] { "--fp16", "--bf16", "--gradient_checkpointing", "--deepspeed", "--local_rank", "--push_to_hub", "--tf32",
                     "--ddp_find_unused_parameters", "--fsdp", "--optim", "--dataloader_num_workers", "--torch_compile" })
        {
            var line = OneLineError(Cli(verb, [.. Minimal[verb], flag, "1"]));
            Assert.StartsWith($"rqa: error: {flag}: {UnsupportedHfFlags.Answer(flag[2..])}", line);
            Assert.DoesNotContain("unknown flag", line);
        }
    }

    [Fact]
    public void NoAnsweredHfFlagIsARealFlagOfAnyVerb()
    {
        var names = CommandLine.Commands.SelectMany(c => c.Schemas).SelectMany(s => s.Fields).SelectMany(f => f.Spellings).Distinct();
        Assert.All(names, n => Assert.Null(UnsupportedHfFlags.Answer(n)));
    }
}
