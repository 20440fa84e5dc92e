using System.CommandLine;
using LocalRqa.Logging;
using LocalRqa.Training;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// `rqa train ctl|dca|rpg ...`: the flags are HuggingFace-style (`--learning_rate 1e-4`, `--do_eval False`, or one JSON
/// file) and are parsed by the shared training-argument layer, so this command passes its tokens through.
/// </summary>
public static class TrainCommand
{
    public static readonly IReadOnlyList<ArgumentSchema> CtlSchemas = [TrainingArguments.Schema, CtlArguments.Schema];

    /// <summary>`rqa train ctl --help`: the HF-style flags table of the argument layer.</summary>
    public static string CtlHelp() =>
        "Usage: rqa train ctl [--flag value ...] | rqa train ctl ARGS.json\n\n" + ArgumentHelp.Text(CtlSchemas);

    public static readonly IReadOnlyList<ArgumentSchema> DcaSchemas = [TrainingArguments.Schema, DcaArguments.Schema];

    /// <summary>`rqa train dca --help`.</summary>
    public static string DcaHelp() =>
        "Usage: rqa train dca [--flag value ...] | rqa train dca ARGS.json\n\n" + ArgumentHelp.Text(DcaSchemas);

    public static readonly IReadOnlyList<ArgumentSchema> RpgSchemas = [TrainingArguments.Schema, RpgArguments.Schema];

    /// <summary>`rqa train rpg --help`.</summary>
    public static string RpgHelp() =>
        "Usage: rqa train rpg [--flag value ...] | rqa train rpg ARGS.json\n\n" + ArgumentHelp.Text(RpgSchemas);

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
        var train = new Command("train", "Fine-tune a retriever (ctl, dca, rpg).");
        var ctl = new Command("ctl", "In-batch contrastive learning with hard negatives (LocalRQA's CTL). `rqa train ctl --help` lists the flags.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        ctl.SetAction(result => RunJob(result.UnmatchedTokens, CtlSchemas, arguments => new CtlAlgorithm(arguments)));
        train.Subcommands.Add(ctl);
        var dca = new Command("dca", "Distil a FiD T5 reader's cross-attention into the retriever (LocalRQA's DCA). `rqa train dca --help` lists the flags.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        dca.SetAction(result => RunJob(result.UnmatchedTokens, DcaSchemas, arguments => new DcaAlgorithm(arguments)));
        train.Subcommands.Add(dca);
        var rpg = new Command("rpg", "Distil a causal LM's likelihood of the answer into the retriever (LocalRQA's RPG / REPLUG). `rqa train rpg --help` lists the flags.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        rpg.SetAction(result => RunJob(result.UnmatchedTokens, RpgSchemas, arguments => new RpgAlgorithm(arguments)));
        train.Subcommands.Add(rpg);
        return train;
    }

    /// <summary>
    /// Parses the HF-style flags (or one JSON file) and runs a trainer with Ctrl-C/SIGTERM handling and a live progress
    /// line; exits 130/143 when a signal stopped it early.
    /// </summary>
    static int RunJob(IReadOnlyList<string> tokens, IReadOnlyList<ArgumentSchema> schemaList, Func<ArgumentSet, TrainingAlgorithm> algorithm)
    {
        var schemas = schemaList.ToArray();
        var arguments = tokens.Count == 1 && tokens[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? ArgumentParser.ParseJsonFile(tokens[0], schemas)
            : ArgumentParser.Parse(tokens, schemas);
        using var log = new RunLog(Console.Error);
        using var signals = new TrainingSignals(log);
        ConsoleProgress? steps = null;
        var state = TrainingRun.Run(algorithm(arguments), arguments, log, trainer =>
            {
                signals.Watch(trainer);
                var lastLoss = double.NaN;
                trainer.Progress = new SyncProgress<(int Step, int Total, double Loss)>(p =>
                {
                    lastLoss = p.Loss;
                    steps ??= new ConsoleProgress("step", Console.Error, p.Total) { Details = () => StepDetails(trainer, lastLoss) };
                    steps.Report(p.Step);
                });
            },
            (label, total) => new ConsoleProgress(label, Console.Error, total), null);
        return signals.ExitCode(state);
    }
}
