using LocalRqa.Arguments;

namespace LocalRqa.Display;

/// <summary>
/// What a run prints on the console, the same flags for every verb (saved under "console_args" in all_args.json):
/// `--log_level info|warning|error` and `--quiet` (warnings and errors only). The log file in the output folder keeps
/// every line whatever they say; results on stdout are never hidden.
/// </summary>
internal sealed record ConsoleArguments : IArgumentRecord
{
    public ConsoleLevel LogLevel { get; init; } = ConsoleLevel.Info;
    public bool Quiet { get; init; }

    /// <summary>The level in effect: --quiet raises info to warning, and never lowers a level given.</summary>
    public ConsoleLevel Level => Quiet && LogLevel < ConsoleLevel.Warning ? ConsoleLevel.Warning : LogLevel;

    public static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<ConsoleArguments>(new(), "console_args")
        .Choice("log_level", [("info", ConsoleLevel.Info), ("warning", ConsoleLevel.Warning), ("error", ConsoleLevel.Error)],
            a => a.LogLevel, (a, v) => a with { LogLevel = v },
            "What the console shows: info (progress and the log), warning (warnings and errors) or error (the error that stops "
            + "a run). The log file keeps everything.")
        .Boolean("quiet", a => a.Quiet, (a, v) => a with { Quiet = v },
            "No progress and no log lines on the console, only warnings and errors (as --log_level warning).")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    public void Validate(ArgumentSet arguments) { }

    public IEnumerable<string> Warnings(ArgumentSet arguments) => [];
}
