using LocalRqa.Display;
using LocalRqa.Arguments;
using LocalRqa.Jobs;
using LocalRqa.Logging;
using LocalRqa.Training;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// `rqa train ctl|dca|rpg ...`: the trainers, each filling the shared TrainingArguments and its own
/// record from HuggingFace-style flags (`--learning_rate 1e-4`, `--do_eval False`, a recipe JSON file first), then
/// running <see cref="TrainJob"/> with Ctrl-C/SIGTERM handling and a live progress line.
/// </summary>
internal static class TrainCommand
{
    static readonly Dictionary<string, string> Summaries = new()
    {
        ["ctl"] = "In-batch contrastive learning with hard negatives (LocalRQA's CTL).",
        ["dca"] = "Distil a FiD T5 reader's cross-attention into the retriever (LocalRQA's DCA).",
        ["rpg"] = "Distil a causal LM's likelihood of the answer into the retriever (LocalRQA's RPG / REPLUG).",
    };

    public static IReadOnlyList<Command> Create() => TrainJob.Methods
        .Select(method => new Command($"train {method}", Summaries[method], TrainJob.Schemas(method), (arguments, log) => RunJob(method, arguments, log)))
        .ToList();

    /// <summary>"loss 0.412, recall4 0.753 @ step 18": the live line's view of how training goes.</summary>
    static string StepDetails(Trainer trainer, double loss)
    {
        var text = $"loss {loss:F3}";
        var metric = trainer.Settings.MetricForBestModel;
        var lastEval = trainer.State.LogHistory.LastOrDefault(e => e.ContainsKey(metric));
        if (lastEval != null) text += $", {metric.Split('/').Last()} {lastEval[metric]:F3} @ step {lastEval["step"]}";
        return text;
    }

    /// <summary>
    /// Runs a trainer with Ctrl-C/SIGTERM handling and a live progress line; exits 130/143 when a signal stopped it
    /// early.
    /// </summary>
    static int RunJob(string method, ArgumentSet arguments, RunLog log)
    {
        using var signals = new TrainingSignals(log);
        ProgressLine? steps = null;
        var state = TrainJob.Run(method, arguments, log, trainer =>
            {
                signals.Watch(trainer);
                var lastLoss = double.NaN;
                trainer.Progress = new SyncProgress<(int Step, int Total, double Loss)>(p =>
                {
                    lastLoss = p.Loss;
                    steps ??= new ProgressLine("step", Console.Error, p.Total) { Details = () => StepDetails(trainer, lastLoss) };
                    steps.Report(p.Step);
                });
            },
            (label, total) => new ProgressLine(label, Console.Error, total), null);
        steps?.Finish(); // a run stopped early never reports its last step
        return signals.ExitCode(state);
    }
}
