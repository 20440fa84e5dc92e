using System.CommandLine;
using LocalRqa.Logging;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// `rqa train ctl ...`: the flags are HuggingFace-style (`--learning_rate 1e-4`, `--do_eval False`, or one JSON
/// file) and are parsed by the shared training-argument layer, so this command passes its tokens through.
/// </summary>
public static class TrainCommand
{
    public static readonly IReadOnlyList<ArgumentSchema> CtlSchemas = [TrainingArguments.Schema, CtlArguments.Schema];

    /// <summary>`rqa train ctl --help`: the HF-style flags table of the argument layer.</summary>
    public static string CtlHelp() =>
        "Usage: rqa train ctl [--flag value ...] | rqa train ctl ARGS.json\n\n" + ArgumentHelp.Text(CtlSchemas);

    /// <summary>"loss 0.412, recall4 0.753 @ step 18": the live line's view of how training goes.</summary>
    static string StepDetails(LocalRqa.Training.Trainer trainer, double loss)
    {
        var text = $"loss {loss:F3}";
        var metric = trainer.Settings.MetricForBestModel;
        var lastEval = trainer.State.LogHistory.LastOrDefault(e => e.ContainsKey(metric));
        if (lastEval != null) text += $", {metric.Split('/').Last()} {lastEval[metric]:F3} @ step {lastEval["step"]}";
        return text;
    }

    public static Command Create()
    {
        var train = new Command("train", "Fine-tune a retriever (ctl, rpg; dca follows).");
        var ctl = new Command("ctl", "In-batch contrastive learning with hard negatives (LocalRQA's CTL). `rqa train ctl --help` lists the flags.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        ctl.SetAction(result =>
        {
            var tokens = result.UnmatchedTokens;
            var schemas = CtlSchemas.ToArray();
            var arguments = tokens.Count == 1 && tokens[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? ArgumentParser.ParseJsonFile(tokens[0], schemas)
                : ArgumentParser.Parse(tokens, schemas);
            using var log = new RunLog(Console.Error);
            ConsoleProgress? steps = null;
            CtlTrainingJob.Run(arguments, log, trainer =>
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
                (label, total) => new ConsoleProgress(label, Console.Error, total));
            return 0;
        });
        train.Subcommands.Add(ctl);
        train.Subcommands.Add(TrainRpgCommand.Create());
        return train;
    }

    /// <summary>Ctrl-C stops after the step with a checkpoint; a live line shows the step, loss and last evaluation.</summary>
    internal static void AttachConsole(LocalRqa.Training.Trainer trainer, RunLog log)
    {
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            log.WriteLine("stopping after this step (a checkpoint will be saved); press Ctrl-C again to abort");
            trainer.RequestStop();
        };
        ConsoleProgress? steps = null;
        var lastLoss = double.NaN;
        trainer.Progress = new SyncProgress<(int Step, int Total, double Loss)>(p =>
        {
            lastLoss = p.Loss;
            steps ??= new ConsoleProgress("step", Console.Error, p.Total) { Details = () => StepDetails(trainer, lastLoss) };
            steps.Report(p.Step);
        });
    }
}
