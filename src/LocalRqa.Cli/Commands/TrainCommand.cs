using LocalRqa.Arguments;
using LocalRqa.Logging;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// `rqa train ctl|dca|rpg ...`: the trainers, each filling the shared <see cref="TrainingArguments"/> and its own
/// record from HuggingFace-style flags (`--learning_rate 1e-4`, `--do_eval False`, a recipe JSON file first).
/// </summary>
public static class TrainCommand
{
    public static IReadOnlyList<Command> Create() =>
    [
        new("train ctl", "In-batch contrastive learning with hard negatives (LocalRQA's CTL).",
            [TrainingArguments.Schema, CtlArguments.Schema], arguments => RunJob(arguments, CtlTrainingJob.Run)),
        new("train dca", "Distil a FiD T5 reader's cross-attention into the retriever (LocalRQA's DCA).",
            [TrainingArguments.Schema, DcaArguments.Schema], arguments => RunJob(arguments, DcaTrainingJob.Run)),
        new("train rpg", "Distil a causal LM's likelihood of the answer into the retriever (LocalRQA's RPG / REPLUG).",
            [TrainingArguments.Schema, RpgArguments.Schema], arguments => RunJob(arguments, RpgTrainingJob.Run)),
    ];

    /// <summary>"loss 0.412, recall4 0.753 @ step 18": the live line's view of how training goes.</summary>
    static string StepDetails(LocalRqa.Training.Trainer trainer, double loss)
    {
        var text = $"loss {loss:F3}";
        var metric = trainer.Settings.MetricForBestModel;
        var lastEval = trainer.State.LogHistory.LastOrDefault(e => e.ContainsKey(metric));
        if (lastEval != null) text += $", {metric.Split('/').Last()} {lastEval[metric]:F3} @ step {lastEval["step"]}";
        return text;
    }

    delegate LocalRqa.Training.TrainerState TrainingJob(ArgumentSet arguments, RunLog log, Action<LocalRqa.Training.Trainer>? onTrainerCreated,
        Func<string, int, IProgress<int>>? startProgress, Func<string, string>? resolveModel);

    /// <summary>Runs a trainer with Ctrl-C handling and a live progress line.</summary>
    static int RunJob(ArgumentSet arguments, TrainingJob job)
    {
        using var log = new RunLog(Console.Error);
        ConsoleProgress? steps = null;
        job(arguments, log, trainer =>
            {
                // Ctrl-C: finish the step, save a checkpoint, stop; a second Ctrl-C kills as usual.
                Console.CancelKeyPress += (_, e) =>
                {
                    e.Cancel = true;
                    log.WriteLine("stopping after this step (a checkpoint will be saved); press Ctrl-C again to abort");
                    trainer.RequestStop();
                };
                var lastLoss = double.NaN;
                trainer.Progress = new SyncProgress<(int Step, int Total, double Loss)>(p =>
                {
                    lastLoss = p.Loss;
                    steps ??= new ConsoleProgress("step", Console.Error, p.Total) { Details = () => StepDetails(trainer, lastLoss) };
                    steps.Report(p.Step);
                });
            },
            (label, total) => new ConsoleProgress(label, Console.Error, total), null);
        return 0;
    }
}
