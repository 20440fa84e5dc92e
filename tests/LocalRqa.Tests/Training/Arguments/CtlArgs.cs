using LocalRqa.Arguments;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Training.Arguments;

/// <summary>Parses as `rqa train ctl` will: TrainingArguments and CtlArguments from one list.</summary>
static class CtlArgs
{
    public static readonly string[] Seed =
    [
        "--full_dataset_file_path", "d.pkl", "--train_file", "t.jsonl", "--eval_file", "e.jsonl",
        "--model_name_or_path", "intfloat/e5-base-v2", "--pooling_type", "mean", "--learning_rate", "1e-4",
        "--per_device_train_batch_size", "256", "--per_device_eval_batch_size", "128", "--hard_neg_ratio", "0.05",
        "--metric_for_best_model", "eval_retr/document_recall/recall4", "--output_dir", "model_checkpoints/my_CTL_ret_model",
    ];

    /// <summary>The least a valid command needs.</summary>
    public static readonly string[] Minimal =
        ["--output_dir", "out", "--train_file", "t.jsonl", "--eval_file", "e.jsonl", "--full_dataset_file_path", "d.pkl"];

    public static ArgumentSet Parse(params string[] args) => ArgumentParser.Parse(args, TrainingArguments.Schema, CtlArguments.Schema);

    public static ArgumentSet ParseMinimalWith(params string[] extra) => Parse([.. Minimal, .. extra]);

    public static string Error(params string[] args) => Assert.Throws<RqaException>(() => Parse(args)).Message;

    public static string ErrorWith(params string[] extra) => Error([.. Minimal, .. extra]);
}
