namespace LocalRqa.Tests.Training.Arguments;

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
    [InlineData("--similarity", "l2", "--similarity: 'l2' is not one of dot, cosine")]
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
    public void RequiredFlags()
    {
        Assert.Equal("--output_dir is required", CtlArgs.Error("--train_file", "t", "--eval_file", "e", "--full_dataset_file_path", "d"));
        Assert.Equal("--train_file is required with --do_train (pass --do_train false to only evaluate)",
            CtlArgs.Error("--output_dir", "o", "--eval_file", "e", "--full_dataset_file_path", "d"));
        Assert.Equal("--eval_file is required when evaluating (or pass --do_eval false --evaluation_strategy no to skip evaluation)",
            CtlArgs.Error("--output_dir", "o", "--train_file", "t", "--full_dataset_file_path", "d"));
        Assert.Equal("--full_dataset_file_path is required when evaluating (or pass --do_eval false --evaluation_strategy no to skip evaluation)",
            CtlArgs.Error("--output_dir", "o", "--train_file", "t", "--eval_file", "e"));
        // HF evaluates whenever evaluation_strategy is not no, whatever do_eval says.
        Assert.StartsWith("--eval_file is required", CtlArgs.Error("--output_dir", "o", "--train_file", "t", "--do_eval", "false"));
    }

    [Fact]
    public void UnknownFlagsListCloseMatches()
    {
        Assert.Equal("unknown flag --learning_rat (did you mean --learning_rate?)", CtlArgs.ErrorWith("--learning_rat", "1"));
        Assert.Equal("unknown flag --warmup (did you mean --warmup_ratio, --warmup_steps?)", CtlArgs.ErrorWith("--warmup", "1"));
        Assert.Equal("unknown flag --hard-neg-ration (did you mean --hard_neg_ratio?)", CtlArgs.ErrorWith("--hard-neg-ration=1"));
        var none = CtlArgs.ErrorWith("--xyzzy", "1");
        Assert.StartsWith("unknown flag --xyzzy; accepted flags: --model_name_or_path, --pooling_type, ", none);
        Assert.EndsWith("--use_prompts, --mine_hard_negatives, --mined_negatives_per_question, --mining_skip_top, --mining_depth", none);
        Assert.DoesNotContain('\n', none);
    }

    [Fact]
    public void PositionalArgumentsAreRefused()
    {
        Assert.Equal("unexpected argument 'extra' (pass --name value flags, or a single .json file of arguments)",
            CtlArgs.ErrorWith("extra"));
        Assert.StartsWith("unexpected argument '-x'", CtlArgs.ErrorWith("-x"));
        Assert.StartsWith("unexpected argument 'args.txt'", CtlArgs.Error("args.txt"));
    }

    [Theory]
    [InlineData("--learning_rate", "0", "--learning_rate must be > 0, got 0")]
    [InlineData("--learning_rate", "-1e-5", "--learning_rate must be > 0, got -1E-05")]
    [InlineData("--weight_decay", "-0.1", "--weight_decay must be >= 0, got -0.1")]
    [InlineData("--max_steps", "0", "--max_steps must be -1 (train for --num_train_epochs) or at least 1, got 0")]
    [InlineData("--num_train_epochs", "0", "--num_train_epochs must be > 0, got 0")]
    [InlineData("--per_device_train_batch_size", "0", "--per_device_train_batch_size must be at least 1, got 0")]
    [InlineData("--per_device_eval_batch_size", "-2", "--per_device_eval_batch_size must be at least 1, got -2")]
    [InlineData("--warmup_ratio", "1", "--warmup_ratio must be in [0, 1), got 1")]
    [InlineData("--warmup_ratio", "-0.1", "--warmup_ratio must be in [0, 1), got -0.1")]
    [InlineData("--warmup_steps", "-1", "--warmup_steps must be >= 0, got -1")]
    [InlineData("--logging_steps", "0", "--logging_steps must be at least 1, got 0")]
    [InlineData("--eval_steps", "0", "--eval_steps must be at least 1, got 0")]
    [InlineData("--save_steps", "0", "--save_steps must be at least 1, got 0")]
    [InlineData("--save_total_limit", "0", "--save_total_limit must be at least 1 or none, got 0")]
    [InlineData("--seed", "-1", "--seed must be >= 0, got -1")]
    [InlineData("--gradient_accumulation_steps", "0", "--gradient_accumulation_steps must be at least 1, got 0")]
    [InlineData("--max_grad_norm", "-1", "--max_grad_norm must be >= 0 (0 turns clipping off), got -1")]
    [InlineData("--metric_for_best_model", " ", "--metric_for_best_model needs a value with --load_best_model_at_end")]
    [InlineData("--model_name_or_path", " ", "--model_name_or_path needs a value")]
    [InlineData("--hard_neg_ratio", "1.5", "--hard_neg_ratio must be in [0, 1], got 1.5")]
    [InlineData("--temperature", "0", "--temperature must be > 0, got 0")]
    [InlineData("--grad_cache_chunk_size", "-8", "--grad_cache_chunk_size must be >= 0 (0 turns GradCache off), got -8")]
    [InlineData("--max_length", "0", "--max_length must be at least 1 or none, got 0")]
    public void RangesAreValidated(string flag, string value, string message) =>
        Assert.Equal(message, CtlArgs.ErrorWith(flag, value));

    [Fact]
    public void ZeroWarmupAndNoClippingAreValid()
    {
        var t = CtlArgs.ParseMinimalWith("--warmup_ratio", "0", "--max_grad_norm", "0", "--hard_neg_ratio", "0").Get<LocalRqa.Training.Arguments.TrainingArguments>();
        Assert.Equal(0, t.WarmupRatio);
    }
}
