using LocalRqa.Arguments;
using LocalRqa.Jobs;
using LocalRqa.Retrieval;
using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Retrieval;

/// <summary>The shared fusion flags: parsed beside a verb's record, resolved over a model folder's settings, refused in one line.</summary>
public sealed class HybridArgumentsTests
{
    static ArgumentSet TestRetriever(params string[] extra) => ArgumentParser.Parse(
        ["--document_path", "d.pkl", "--eval_data_path", "q.jsonl", "--output_dir", "out", .. extra], TestRetrieverArguments.Schema, HybridArguments.Schema);

    [Fact]
    public void UnsetFlagsTakeTheModelFoldersSettingsThenTheDefaults()
    {
        var none = TestRetriever("--retriever_type", "hybrid").Get<HybridArguments>();
        Assert.Equal(new HybridSettings { Depth = 100, Fusion = FusionMethod.Rrf, RrfK = 60, Weight = 0.5 }, none.Resolve());
        var recorded = new HybridSettings { Depth = 50, Fusion = FusionMethod.Score, RrfK = 20, Weight = 0.7 };
        Assert.Equal(recorded, none.Resolve(recorded));

        // Each flag given wins over the recorded value; the others keep it.
        var some = TestRetriever("--retriever_type", "hybrid", "--hybrid_weight", "0.25", "--rrf_k", "10").Get<HybridArguments>();
        Assert.Equal(recorded with { Weight = 0.25, RrfK = 10 }, some.Resolve(recorded));
        var all = TestRetriever("--retriever_type", "hybrid", "--hybrid_depth", "30", "--fusion", "rrf", "--rrf_k", "5", "--hybrid_weight", "1")
            .Get<HybridArguments>();
        Assert.Equal(new HybridSettings { Depth = 30, Fusion = FusionMethod.Rrf, RrfK = 5, Weight = 1 }, all.Resolve(recorded));
    }

    [Fact]
    public void TheEffectiveSettingsAreWhatAllArgsRecords()
    {
        var hybrid = TestRetriever("--retriever_type", "hybrid", "--hybrid_weight", "0.25").Get<HybridArguments>();
        var settings = hybrid.Resolve(new HybridSettings { Depth = 50, RrfK = 20 });
        var json = ArgumentSet.Create(new TestRetrieverArguments { DocumentPath = "d", EvalDataPath = "q", OutputDir = "o", RetrieverType = RetrieverKind.Hybrid },
            hybrid.Effective(settings)).ToJson()["hybrid_args"]!;
        Assert.Equal(50, json["hybrid_depth"]!.GetValue<int>());
        Assert.Equal("rrf", json["fusion"]!.GetValue<string>());
        Assert.Equal(20.0, json["rrf_k"]!.GetValue<double>());
        Assert.Equal(0.25, json["hybrid_weight"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("--rrf_k 0", "--rrf_k must be a positive number, got 0")]
    [InlineData("--rrf_k -5", "--rrf_k must be a positive number, got -5")]
    [InlineData("--hybrid_weight 1.5", "--hybrid_weight must be in [0, 1] (the dense share) or auto, got 1.5")]
    [InlineData("--hybrid_weight -0.1", "--hybrid_weight must be in [0, 1] (the dense share) or auto, got -0.1")]
    [InlineData("--hybrid_weight half", "--hybrid_weight: expected a number or auto, got 'half'")]
    [InlineData("--hybrid_depth 3", "--hybrid_depth 3 is below --top_k 4: each side must retrieve at least the documents taken")]
    [InlineData("--hybrid_depth 0", "--hybrid_depth must be at least 1, got 0")]
    public void BadFlagsAreOneLine(string flags, string expected)
    {
        var error = Assert.Throws<RqaException>(() => TestRetriever(["--retriever_type", "hybrid", .. flags.Split(' ')]));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void AutoIsRefusedWhereNoTrainerChoosesIt()
    {
        var error = Assert.Throws<RqaException>(() => TestRetriever("--retriever_type", "hybrid", "--hybrid_weight", "auto"));
        Assert.StartsWith("--hybrid_weight auto is chosen on the eval questions during training; with --retriever_type hybrid give a number in [0, 1]", error.Message);
        Assert.True(TestRetriever("--retriever_type", "faiss", "--hybrid_weight", "auto").Get<HybridArguments>().AutoWeight); // ignored there, with a warning
    }

    [Fact]
    public void TheDepthMustReachEachVerbsCount()
    {
        // prepare-ctxs takes --n_context per question, CTL's mining --mining_depth, a trainer's evaluation 100 (MAP@100).
        var prepare = Assert.Throws<RqaException>(() => ArgumentParser.Parse(
            ["--full_dataset_file_path", "d", "--retriever", "hybrid", "--model_name_or_path", "m", "--n_context", "50", "--hybrid_depth", "40"],
            PrepareCtxsArguments.Schema, HybridArguments.Schema));
        Assert.Equal("--hybrid_depth 40 is below --n_context 50: each side must retrieve at least the documents taken", prepare.Message);
        var mining = Assert.Throws<RqaException>(() => ArgumentParser.Parse(
            [.. CtlArgs.Minimal, "--mine_hard_negatives", "hybrid", "--mining_depth", "30", "--hybrid_depth", "20", "--do_eval", "false", "--evaluation_strategy", "no"],
            TrainingArguments.Schema, CtlArguments.Schema, HybridArguments.Schema));
        Assert.Equal("--hybrid_depth 20 is below --mining_depth 30: each side must retrieve at least the documents taken", mining.Message);
        var evaluation = Assert.Throws<RqaException>(() => ArgumentParser.Parse(
            [.. CtlArgs.Minimal, "--mine_hard_negatives", "hybrid", "--mining_depth", "30", "--hybrid_depth", "50"],
            TrainingArguments.Schema, CtlArguments.Schema, HybridArguments.Schema));
        Assert.Equal("--hybrid_depth 50 is below the evaluation depth 100: each side must retrieve at least the documents taken", evaluation.Message);
        var noModel = Assert.Throws<RqaException>(() => ArgumentParser.Parse(["--full_dataset_file_path", "d", "--retriever", "hybrid"],
            PrepareCtxsArguments.Schema, HybridArguments.Schema));
        Assert.Equal("--retriever hybrid needs --model_name_or_path (its dense side)", noModel.Message);
    }

    [Fact]
    public void FusionFlagsWarnWithoutAHybridRetrieverAndDenseFlagsActWithOne()
    {
        Assert.Equal(
            ["--hybrid_depth 50 has no effect without a hybrid retriever (--retriever_type hybrid, --retriever hybrid or --mine_hard_negatives hybrid)",
             "--rrf_k 10 has no effect with --fusion score or without a hybrid retriever (--retriever_type hybrid, --retriever hybrid or --mine_hard_negatives hybrid)"],
            TestRetriever("--retriever_type", "bm25", "--hybrid_depth", "50", "--rrf_k", "10").Warnings);
        Assert.Empty(TestRetriever("--retriever_type", "hybrid", "--hybrid_depth", "50", "--rrf_k", "10", "--index_path", "idx", "--similarity", "ip").Warnings);
        Assert.Equal(["--rrf_k 10 has no effect with --fusion score or without a hybrid retriever (--retriever_type hybrid, --retriever hybrid or --mine_hard_negatives hybrid)"],
            TestRetriever("--retriever_type", "hybrid", "--fusion", "score", "--rrf_k", "10").Warnings);
        Assert.Empty(ArgumentParser.Parse([.. CtlArgs.Minimal, "--mine_hard_negatives", "hybrid", "--hybrid_weight", "0.3"],
            TrainingArguments.Schema, CtlArguments.Schema, HybridArguments.Schema).Warnings);
    }

    [Fact]
    public void ARecipeGivesTheWeightAsANumberOrAuto()
    {
        var folder = Directory.CreateTempSubdirectory("rqa-hybrid-recipe-").FullName;
        try
        {
            var recipe = Path.Combine(folder, "recipe.json");
            File.WriteAllText(recipe, """{"document_path": "d", "eval_data_path": "q", "output_dir": "o", "retriever_type": "hybrid", "hybrid_weight": 0.3}""");
            Assert.Equal(0.3, ArgumentParser.Parse([recipe], TestRetrieverArguments.Schema, HybridArguments.Schema).Get<HybridArguments>().HybridWeight);
            File.WriteAllText(recipe, """{"output_dir": "o", "train_file": "t", "eval_file": "e", "full_dataset_file_path": "d", "hybrid_weight": "auto"}""");
            var auto = ArgumentParser.Parse([recipe], TrainingArguments.Schema, CtlArguments.Schema, HybridArguments.Schema);
            Assert.True(auto.Get<HybridArguments>().AutoWeight);
            // all_args.json writes it back as it came: a number, or "auto".
            Assert.Equal("auto", auto.ToJson()["hybrid_args"]!["hybrid_weight"]!.GetValue<string>());
        }
        finally { Directory.Delete(folder, true); }
    }
}
