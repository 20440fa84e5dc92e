using System.CommandLine;
using LocalRqa.Logging;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// `rqa train rpg ...`: REPLUG-style distillation of a causal LM's answer likelihood into the retriever. HF-style
/// flags (or one JSON file), parsed by the shared argument layer like `rqa train ctl`.
/// </summary>
public static class TrainRpgCommand
{
    public static readonly IReadOnlyList<ArgumentSchema> Schemas = [TrainingArguments.Schema, RpgArguments.Schema];

    /// <summary>`rqa train rpg --help`.</summary>
    public static string Help() =>
        "Usage: rqa train rpg [--flag value ...] | rqa train rpg ARGS.json\n\n" + ArgumentHelp.Text(Schemas);

    public static Command Create()
    {
        var rpg = new Command("rpg", "Distil a causal LM's likelihood of the answer into the retriever (LocalRQA's RPG / REPLUG). `rqa train rpg --help` lists the flags.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        rpg.SetAction(result =>
        {
            var tokens = result.UnmatchedTokens;
            var schemas = Schemas.ToArray();
            var arguments = tokens.Count == 1 && tokens[0].EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? ArgumentParser.ParseJsonFile(tokens[0], schemas)
                : ArgumentParser.Parse(tokens, schemas);
            using var log = new RunLog(Console.Error);
            RpgTrainingJob.Run(arguments, log, trainer => TrainCommand.AttachConsole(trainer, log),
                (label, total) => new ConsoleProgress(label, Console.Error, total));
            return 0;
        });
        return rpg;
    }
}
