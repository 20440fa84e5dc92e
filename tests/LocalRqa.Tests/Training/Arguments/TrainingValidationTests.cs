using LocalRqa.Training;


namespace LocalRqa.Tests.Training.Arguments;

/// <summary>The training records' own checks: required files and value ranges, one line each.</summary>
public class TrainingValidationTests
{
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

    [Theory]
    [InlineData("--learning_rate", "0", "--learning_rate must be > 0, got 0")]
    [InlineData("--learning_rate", "-1e-5", "--learning_rate must be > 0, got -1E-05")]
    [InlineData("--weight_decay", "-0.1", "--weight_decay must be >= 0, got -0.1")]
    [InlineData("--max_steps", "0", "--max_steps must be -1 (train for --num_train_epochs) or at least 1, got 0")]
    [InlineData("--num_train_epochs", "0", "--num_train_epochs must be > 0, got 0")]
    [InlineData("--per_device_train_batch_size", "0", "--per_device_train_batch_size must be at least 1, got 0")]
    [InlineData("--per_device_eval_batch_size", "-2", "--per_device_eval_batch_size must be at least 1, got -2")]
    [InlineData("--save_depth", "3", "--save_depth must be at least the 4 documents evaluation keeps, got 3")]
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
        var t = CtlArgs.ParseMinimalWith("--warmup_ratio", "0", "--max_grad_norm", "0", "--hard_neg_ratio", "0").Get<TrainingArguments>();
        Assert.Equal(0, t.WarmupRatio);
    }
}
