namespace LocalRqa.Tests.Training.Arguments;

public class ArgumentWarningTests
{
    [Fact]
    public void GradientAccumulationDoesNotAddInBatchNegatives()
    {
        var warning = Assert.Single(CtlArgs.ParseMinimalWith("--gradient_accumulation_steps", "4", "--per_device_train_batch_size", "64").Warnings);
        Assert.Equal("--gradient_accumulation_steps 4 does not add in-batch negatives: each batch of 64 is contrasted only within itself; "
            + "use --grad_cache_chunk_size to train a larger batch in less memory", warning);
    }

    [Fact]
    public void TinyTemperatureWithDotProducts()
    {
        var warning = Assert.Single(CtlArgs.ParseMinimalWith("--temperature", "0.005").Warnings);
        Assert.StartsWith("--temperature 0.005 is very small for --similarity dot", warning);
        Assert.Empty(CtlArgs.ParseMinimalWith("--temperature", "0.005", "--similarity", "cosine").Warnings);
    }

    [Fact]
    public void LargeTemperatureWithCosine()
    {
        var warning = Assert.Single(CtlArgs.ParseMinimalWith("--temperature", "0.5", "--similarity", "cosine").Warnings);
        Assert.StartsWith("--temperature 0.5 is large for --similarity cosine: cosine scores lie in [-1, 1], so the logits span only ±2", warning);
        Assert.Empty(CtlArgs.ParseMinimalWith("--temperature", "0.5").Warnings);
        Assert.Empty(CtlArgs.ParseMinimalWith("--temperature", "0.2", "--similarity", "cosine").Warnings);
    }

    [Fact]
    public void StrategyMismatchWithLoadBestModelAtEnd()
    {
        var warning = Assert.Single(CtlArgs.ParseMinimalWith("--save_strategy", "epoch").Warnings);
        Assert.StartsWith("--load_best_model_at_end expects --save_strategy to equal --evaluation_strategy (HF refuses otherwise), "
            + "got save_strategy epoch and evaluation_strategy steps", warning);
        Assert.Empty(CtlArgs.ParseMinimalWith("--save_strategy", "epoch", "--load_best_model_at_end", "false").Warnings);
        Assert.Empty(CtlArgs.ParseMinimalWith("--save_strategy", "epoch", "--eval_strategy", "epoch").Warnings);
    }

    [Fact]
    public void SaveStepsNotAMultipleOfEvalSteps()
    {
        var warning = Assert.Single(CtlArgs.ParseMinimalWith("--save_steps", "150").Warnings);
        Assert.StartsWith("--load_best_model_at_end expects --save_steps (150) to be a multiple of --eval_steps (100)", warning);
        Assert.Empty(CtlArgs.ParseMinimalWith("--save_steps", "200").Warnings);
    }

    [Fact]
    public void NoEvaluationMeansNoBestModel()
    {
        var warnings = CtlArgs.ParseMinimalWith("--evaluation_strategy", "no").Warnings;
        Assert.StartsWith("--load_best_model_at_end has no effect with --evaluation_strategy no", Assert.Single(warnings));
    }

    [Fact]
    public void DoEvalFalseIsOverriddenByTheStrategy()
    {
        var set = CtlArgs.ParseMinimalWith("--do_eval", "False");
        Assert.True(set.Get<LocalRqa.Training.TrainingArguments>().Evaluates);
        Assert.StartsWith("--do_eval false has no effect while --evaluation_strategy is steps", Assert.Single(set.Warnings));
    }

    [Fact]
    public void SeveralWarningsTogether()
    {
        var warnings = CtlArgs.ParseMinimalWith("--gradient_accumulation_steps", "2", "--save_strategy", "no", "--temperature", "0.001").Warnings;
        Assert.Equal(3, warnings.Count);
    }
}
