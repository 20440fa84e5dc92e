using LocalRqa.Arguments;
using LocalRqa.Display;
using LocalRqa.Logging;

namespace LocalRqa.Cli.Commands;

/// <summary>
/// One rqa verb: its words on the command line ("encode", "train ctl"), a one-line summary, the argument records its
/// flags fill (parsed by <see cref="ArgumentParser"/>, the same way for every verb) and what it runs, logging to the
/// run's log (which <see cref="CommandLine"/> opens, with the flags' warnings first and the error that stops it last).
/// </summary>
internal sealed record Command(string Name, string Summary, IReadOnlyList<ArgumentSchema> Schemas, Func<ArgumentSet, RunLog, int> Run)
{
    /// <summary>The verb's own argument records, then the console flags every verb has (<see cref="ConsoleArguments"/>).</summary>
    public IReadOnlyList<ArgumentSchema> Schemas { get; init; } = [.. Schemas, ConsoleArguments.Schema];

    /// <summary>How flags are read, the same for every verb; the end of each verb's `--help`.</summary>
    public const string FlagRules =
        "Flags are spelled --snake_case or --kebab-case, as --flag value or --flag=value. Booleans read true/false, yes/no,\n" +
        "1/0 in any case, and a bare boolean flag means true; none unsets an optional number, boolean or choice.\n" +
        "ARGS.json holds flags as keys (a run's all_args.json works too); flags after it override it. A flag given\n" +
        "twice takes its last value, as HuggingFace's argument parser does.\n";

    public IReadOnlyList<string> Words => Name.Split(' ');

    /// <summary>`rqa VERB --help`: usage, summary, the flags table and <see cref="FlagRules"/>.</summary>
    public string Help() =>
        $"Usage: rqa {Name} [ARGS.json] [--flag value ...]\n\n{Summary}\n\n{ArgumentHelp.Text(Schemas)}\n{FlagRules}";
}
