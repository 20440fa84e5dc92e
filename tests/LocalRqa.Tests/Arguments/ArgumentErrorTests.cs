using LocalRqa.Tests.Training.Arguments;

namespace LocalRqa.Tests.Arguments;

public class ArgumentErrorTests
{
    [Theory]
    [InlineData("--lr_scheduler_type", "cosin", "--lr_scheduler_type: 'cosin' is not one of linear, cosine, constant, constant_with_warmup")]
    [InlineData("--learning_rate", "fast", "--learning_rate: expected a number, got 'fast'")]
    [InlineData("--learning_rate", "1,5", "--learning_rate: expected a number, got '1,5'")]
    [InlineData("--learning_rate", "NaN", "--learning_rate: expected a number, got 'NaN'")]
    [InlineData("--max_steps", "1e3", "--max_steps: expected an integer, got '1e3'")]
    [InlineData("--seed", "2.0", "--seed: expected an integer, got '2.0'")]
    [InlineData("--seed", "99999999999", "--seed: expected an integer, got '99999999999'")]
    [InlineData("--save_total_limit", "few", "--save_total_limit: expected an integer, got 'few'")]
    [InlineData("--do_eval", "maybe", "--do_eval: expected true or false, got 'maybe'")]
    [InlineData("--pooling_type", "max", "--pooling_type: 'max' is not one of mean, cls")]
    [InlineData("--evaluation_strategy", "always", "--evaluation_strategy: 'always' is not one of steps, epoch, no")]
    [InlineData("--eval_strategy", "always", "--evaluation_strategy: 'always' is not one of steps, epoch, no")]
    [InlineData("--save_strategy", "best", "--save_strategy: 'best' is not one of steps, epoch, no")]
    [InlineData("--similarity", "l2", "--similarity: 'l2' is not one of dot, cosine (the contrastive loss scores by dot or cosine)")]
    [InlineData("--report_to", "wandb", "--report_to: 'wandb' is not one of none, jsonl, tensorboard (rqa reports to local files only; no network services such as wandb are supported)")]
    public void BadValuesSayWhatIsAccepted(string flag, string value, string message)
    {
        Assert.Equal(message, CtlArgs.ErrorWith(flag, value));
        Assert.Equal(message, CtlArgs.ErrorWith($"{flag}={value}"));
    }

    [Fact]
    public void MissingValues()
    {
        Assert.Equal("--output_dir needs a value", CtlArgs.Error("--train_file", "t", "--output_dir"));
        Assert.Equal("--output_dir needs a value", CtlArgs.Error("--output_dir", "--train_file", "t"));
        Assert.Equal("--output_dir needs a value", CtlArgs.Error("--output_dir="));
        Assert.Equal("--learning_rate needs a value", CtlArgs.ErrorWith("--learning_rate", "--seed", "1"));
        Assert.Equal("--do_eval needs a value", CtlArgs.ErrorWith("--do_eval="));
    }

    [Fact]
    public void UnknownFlagsListCloseMatches()
    {
        Assert.Equal("unknown flag --learning_rat (did you mean --learning_rate?)", CtlArgs.ErrorWith("--learning_rat", "1"));
        Assert.Equal("unknown flag --warmup (did you mean --warmup_ratio, --warmup_steps?)", CtlArgs.ErrorWith("--warmup", "1"));
        Assert.Equal("unknown flag --hard-neg-ration (did you mean --hard_neg_ratio?)", CtlArgs.ErrorWith("--hard-neg-ration=1"));
        // Nothing close: the flag alone; the CLI adds where the accepted flags are listed (`--help`).
        Assert.Equal("unknown flag --xyzzy", CtlArgs.ErrorWith("--xyzzy", "1"));
    }

    [Fact]
    public void PositionalArgumentsAreRefused()
    {
        Assert.Equal("unexpected argument 'extra' (pass --name value flags, after at most one .json file of arguments)",
            CtlArgs.ErrorWith("extra"));
        Assert.Equal("unexpected argument 'late.json': a .json file of arguments must come first, before the flags that override it",
            CtlArgs.ErrorWith("late.json"));
        Assert.StartsWith("unexpected argument '-x'", CtlArgs.ErrorWith("-x"));
        Assert.StartsWith("unexpected argument 'args.txt'", CtlArgs.Error("args.txt"));
    }
}
