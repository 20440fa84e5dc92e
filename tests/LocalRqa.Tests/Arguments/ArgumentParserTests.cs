using LocalRqa.Arguments;
using LocalRqa.Encoders;
using LocalRqa.Losses;
using LocalRqa.Tests.Training.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Tests.Arguments;

public class ArgumentParserTests
{
    [Fact]
    public void SeedCommandParsesWithDefaultsElsewhere()
    {
        var set = CtlArgs.Parse(CtlArgs.Seed);
        var t = set.Get<TrainingArguments>();
        var expected = new TrainingArguments
        {
            FullDatasetFilePath = "d.pkl",
            TrainFile = "t.jsonl",
            EvalFile = "e.jsonl",
            ModelNameOrPath = "intfloat/e5-base-v2",
            PoolingType = PoolingType.Mean,
            LearningRate = 1e-4,
            PerDeviceTrainBatchSize = 256,
            PerDeviceEvalBatchSize = 128,
            MetricForBestModel = "eval_retr/document_recall/recall4",
            OutputDir = "model_checkpoints/my_CTL_ret_model",
        };
        Assert.Equal(expected, t);
        Assert.Equal(new CtlArguments(), set.Get<CtlArguments>());
        Assert.Empty(set.Warnings);
        Assert.False(set.HelpRequested);

        // LocalRQA's defaults, spelled out once.
        Assert.False(t.OverwriteOutputDir);
        Assert.True(t.DoTrain);
        Assert.True(t.DoEval);
        Assert.Equal(0.01, t.WeightDecay);
        Assert.Equal(200, t.MaxSteps);
        Assert.Equal(3.0, t.NumTrainEpochs);
        Assert.Equal(0.1, t.WarmupRatio);
        Assert.Equal(0, t.WarmupSteps);
        Assert.Equal(LearningRateScheduleKind.Cosine, t.LrSchedulerType);
        Assert.Equal((10, 100, 100), (t.LoggingSteps, t.EvalSteps, t.SaveSteps));
        Assert.Equal(1, t.SaveTotalLimit);
        Assert.Equal(42, t.Seed);
        Assert.Equal(IntervalStrategy.Steps, t.EvaluationStrategy);
        Assert.Equal(IntervalStrategy.Steps, t.SaveStrategy);
        Assert.True(t.GreaterIsBetter);
        Assert.True(t.LoadBestModelAtEnd);
        Assert.Equal(1, t.GradientAccumulationSteps);
        Assert.Equal(1.0, t.MaxGradNorm);
        Assert.Equal(ReportTarget.None, t.ReportTo);
        Assert.Null(t.ResumeFromCheckpoint);
        Assert.Null(t.LoggingDir);
        Assert.Null(t.TestFile);
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs", new TrainingArguments().ModelNameOrPath);

        var c = set.Get<CtlArguments>();
        Assert.Equal(0.05, c.HardNegRatio);
        Assert.Equal(0.05, c.Temperature);
        Assert.Equal(ContrastiveSimilarity.Dot, c.Similarity);
        Assert.True(c.MaskFalseNegatives);
        Assert.Equal(0, c.GradCacheChunkSize);
        Assert.Null(c.MaxLength);
        Assert.True(c.UsePrompts);
    }

    [Fact]
    public void KebabCaseAliasesEqualSnakeCase()
    {
        var kebab = CtlArgs.Seed.Select(a => a.StartsWith("--") ? a.Replace('_', '-') : a).ToArray();
        Assert.Contains("--learning-rate", kebab);
        Assert.Equal(CtlArgs.Parse(CtlArgs.Seed).Records, CtlArgs.Parse(kebab).Records);
    }

    [Fact]
    public void EqualsFormEqualsSeparateValue()
    {
        var joined = new List<string>();
        for (var i = 0; i < CtlArgs.Seed.Length; i += 2) joined.Add($"{CtlArgs.Seed[i]}={CtlArgs.Seed[i + 1]}");
        Assert.Equal(CtlArgs.Parse(CtlArgs.Seed).Records, CtlArgs.Parse([.. joined]).Records);
    }

    [Fact]
    public void ValueMayContainEquals()
    {
        var t = CtlArgs.ParseMinimalWith("--metric_for_best_model=eval_a=b").Get<TrainingArguments>();
        Assert.Equal("eval_a=b", t.MetricForBestModel);
    }

    [Theory]
    [InlineData("False", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    public void BooleansAsHfArgumentParser(string text, bool expected)
    {
        var args = CtlArgs.ParseMinimalWith("--overwrite_output_dir", text, "--use_prompts=" + text);
        Assert.Equal(expected, args.Get<TrainingArguments>().OverwriteOutputDir);
        Assert.Equal(expected, args.Get<CtlArguments>().UsePrompts);
    }

    [Fact]
    public void BareBooleanIsTrueEvenBeforeAnotherFlagOrAtTheEnd()
    {
        var args = CtlArgs.ParseMinimalWith("--use_prompts", "false", "--overwrite_output_dir", "--seed", "7", "--use_prompts");
        Assert.True(args.Get<TrainingArguments>().OverwriteOutputDir);
        Assert.Equal(7, args.Get<TrainingArguments>().Seed);
        Assert.True(args.Get<CtlArguments>().UsePrompts);
    }

    [Fact]
    public void NumbersUseInvariantCulture()
    {
        var args = CtlArgs.ParseMinimalWith("--learning_rate", ".5", "--weight_decay", "1E-3", "--num_train_epochs", "2",
            "--max_steps", "-1", "--temperature", "+0.02");
        var t = args.Get<TrainingArguments>();
        Assert.Equal(0.5, t.LearningRate);
        Assert.Equal(0.001, t.WeightDecay);
        Assert.Equal(2.0, t.NumTrainEpochs);
        Assert.Equal(-1, t.MaxSteps);
        Assert.Equal(0.02, args.Get<CtlArguments>().Temperature);
    }

    [Fact]
    public void RepeatedFlagLastWins()
    {
        var t = CtlArgs.ParseMinimalWith("--seed", "1", "--seed=2", "--seed", "3").Get<TrainingArguments>();
        Assert.Equal(3, t.Seed);
    }

    [Fact]
    public void ChoicesAreCaseInsensitiveAndEvalStrategyIsAnAlias()
    {
        var args = CtlArgs.ParseMinimalWith("--lr_scheduler_type", "Constant_With_Warmup", "--eval_strategy", "epoch",
            "--save-strategy", "EPOCH", "--similarity", "cosine", "--pooling_type", "cls", "--report_to", "tensorboard");
        var t = args.Get<TrainingArguments>();
        Assert.Equal(LearningRateScheduleKind.ConstantWithWarmup, t.LrSchedulerType);
        Assert.Equal(IntervalStrategy.Epoch, t.EvaluationStrategy);
        Assert.Equal(IntervalStrategy.Epoch, t.SaveStrategy);
        Assert.Equal(PoolingType.Cls, t.PoolingType);
        Assert.Equal(ReportTarget.Tensorboard, t.ReportTo);
        Assert.Equal(ContrastiveSimilarity.Cosine, args.Get<CtlArguments>().Similarity);
        Assert.Equal(IntervalStrategy.No, CtlArgs.ParseMinimalWith("--eval-strategy=no").Get<TrainingArguments>().EvaluationStrategy);
    }

    [Fact]
    public void NullableNumbersAcceptNone()
    {
        var args = CtlArgs.ParseMinimalWith("--save_total_limit", "None", "--max_length", "128");
        Assert.Null(args.Get<TrainingArguments>().SaveTotalLimit);
        Assert.Equal(128, args.Get<CtlArguments>().MaxLength);
    }

    [Fact]
    public void ResumeFromCheckpointIsAPathOrTrue()
    {
        var latest = CtlArgs.ParseMinimalWith("--resume_from_checkpoint", "True").Get<TrainingArguments>();
        Assert.True(latest.ResumesFromLatestCheckpoint);
        var path = CtlArgs.ParseMinimalWith("--resume_from_checkpoint", "out/checkpoint-100").Get<TrainingArguments>();
        Assert.False(path.ResumesFromLatestCheckpoint);
        Assert.Equal("out/checkpoint-100", path.ResumeFromCheckpoint);
    }

    [Fact]
    public void EvaluationFilesAreOptionalWithoutEvaluation()
    {
        var t = CtlArgs.Parse("--output_dir", "o", "--train_file", "t.jsonl", "--do_eval", "false", "--evaluation_strategy", "no",
            "--load_best_model_at_end", "false").Get<TrainingArguments>();
        Assert.False(t.Evaluates);
        Assert.Null(t.EvalFile);

        var evalOnly = CtlArgs.Parse("--output_dir", "o", "--do_train", "false", "--eval_file", "e.jsonl", "--full_dataset_file_path", "d.pkl")
            .Get<TrainingArguments>();
        Assert.False(evalOnly.DoTrain);
        Assert.Null(evalOnly.TrainFile);
    }

    [Fact]
    public void HelpNeedsNoOtherArguments()
    {
        var set = CtlArgs.Parse("--help");
        Assert.True(set.HelpRequested);
        Assert.Contains("--hard_neg_ratio", set.Help());
        Assert.True(CtlArgs.Parse("--seed", "3", "-h").HelpRequested);
    }

    [Fact]
    public void RecordsBuiltInCodeAreValidatedToo()
    {
        var ok = ArgumentSet.Create(new TrainingArguments { OutputDir = "o", TrainFile = "t", EvalFile = "e", FullDatasetFilePath = "d" }, new CtlArguments());
        Assert.Empty(ok.Warnings);
        Assert.Equal("--output_dir is required", Assert.Throws<RqaException>(() => ArgumentSet.Create(new TrainingArguments())).Message);
    }
}
