using System.Reflection;
using System.Text;
using LocalRqa.Arguments;
using LocalRqa.Cli.Commands;
using LocalRqa.Display;
using LocalRqa.Logging;

namespace LocalRqa.Cli;

/// <summary>
/// The `rqa` verbs and the error policy. A verb is found by its words, its flags are parsed by the one argument
/// layer (<see cref="ArgumentParser"/>), and its job runs. A user error (bad flag, bad file, bad model) prints one
/// line on stderr and exits 2, a flag error ending with where help is; anything else is a bug and keeps its stack
/// trace (exit 1).
/// </summary>
internal static class CommandLine
{
    public const int UserErrorExitCode = 2;

    const string Description = "rqa: train and evaluate dense retrievers for retrieval-augmented question answering.";

    /// <summary>Every verb, in the order `rqa --help` lists them.</summary>
    public static IReadOnlyList<Command> Commands { get; } =
        [EncodeCommand.Create(), TestRetrieverCommand.Create(), PrepareCtxsCommand.Create(), .. TrainCommand.Create(), ExportOnnxCommand.Create()];

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args is [var only] && IsHelp(only))
        {
            stdout.Write(Help([], Commands));
            return 0;
        }
        if (args is ["--version"])
        {
            stdout.WriteLine(Version);
            return 0;
        }
        var command = Commands.FirstOrDefault(c => c.Words.Count <= args.Length && c.Words.SequenceEqual(args.Take(c.Words.Count)));
        if (command is null) return NoSuchCommand(args, stdout, stderr);

        ArgumentSet arguments;
        try
        {
            arguments = ArgumentParser.Parse(args[command.Words.Count..], command.Schemas);
        }
        catch (RqaException e)
        {
            stderr.WriteLine($"rqa: error: {e.Message} (see 'rqa {command.Name} --help')");
            return UserErrorExitCode;
        }
        if (arguments.HelpRequested)
        {
            stdout.Write(command.Help());
            return 0;
        }
        return RunVerb(command, arguments, stderr);
    }

    /// <summary>
    /// Runs a parsed verb with one log for the run, for every verb: the flags' warnings first, and the line of the error
    /// that stops the run last (also in the log file, once the job has opened one). A user error exits 2; a bug is
    /// rethrown with its stack trace.
    /// </summary>
    public static int RunVerb(Command command, ArgumentSet arguments, TextWriter stderr)
    {
        // --quiet and --log_level act on the console stderr goes through (the CLI's; none when a test runs a verb in-process).
        if (LiveConsole.Installed is { } console) console.Level = arguments.GetOrDefault<ConsoleArguments>().Level;
        using var log = new RunLog(Console.Error);
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");
        int Fail(string message)
        {
            var line = $"rqa: error: {message}";
            LiveConsole.Installed?.ClearStatus();
            stderr.WriteLine(line);
            log.EndWithError(line);
            return UserErrorExitCode;
        }
        try
        {
            return command.Run(arguments, log);
        }
        catch (RqaException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the user named is unreadable or a folder unwritable: their environment, not our bug.
            return Fail(e.Message);
        }
        catch (Exception e)
        {
            // Our bug: the runtime prints the stack trace and exits non-zero, and the log still says what stopped the run.
            LiveConsole.Installed?.ClearStatus();
            log.EndWithError($"rqa: internal error: {e.GetType().FullName}: {e.Message}");
            throw;
        }
    }

    /// <summary>
    /// The words do not name a verb: help for a group of verbs (`rqa train --help`), else one line with the
    /// closest verbs.
    /// </summary>
    static int NoSuchCommand(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // The longest run of leading words that some verbs share: [] (all verbs) or ["train"].
        var prefix = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        while (prefix.Length > 0 && !Commands.Any(c => c.Words.Count > prefix.Length && c.Words.Take(prefix.Length).SequenceEqual(prefix)))
            prefix = prefix[..^1];
        var group = Commands.Where(c => c.Words.Take(prefix.Length).SequenceEqual(prefix)).ToArray();
        var rest = args[prefix.Length..];
        var where = string.Join(' ', ["rqa", .. prefix, "--help"]);
        if (rest is [var only] && IsHelp(only))
        {
            stdout.Write(Help(prefix, group));
            return 0;
        }
        var next = group.Select(c => c.Words[prefix.Length]).Distinct().ToArray();
        if (rest.Length == 0)
        {
            stderr.WriteLine($"rqa: error: {string.Join(' ', ["rqa", .. prefix])} needs a command: {string.Join(", ", next)} (see '{where}')");
            return UserErrorExitCode;
        }
        var close = FlagSuggestions.Close(rest[0], next);
        var hint = close.Count > 0 ? $" (did you mean {string.Join(", ", close.Select(n => $"'{n}'"))}?)" : "";
        var what = rest[0].StartsWith('-') ? "option" : "command";
        stderr.WriteLine($"rqa: error: unknown {what} '{rest[0]}'{hint} (see '{where}')");
        return UserErrorExitCode;
    }

    static bool IsHelp(string token) => token is "--help" or "-h" or "-?";

    /// <summary>`rqa --help` or `rqa train --help`: the verbs with their summaries.</summary>
    static string Help(IReadOnlyList<string> prefix, IReadOnlyList<Command> commands)
    {
        var width = commands.Max(c => c.Name.Length);
        var text = new StringBuilder();
        text.AppendLine(Description).AppendLine();
        text.AppendLine($"Usage: {string.Join(' ', ["rqa", .. prefix])} COMMAND [ARGS.json] [--flag value ...]").AppendLine();
        text.AppendLine("Commands:");
        foreach (var command in commands) text.AppendLine($"  {command.Name.PadRight(width)}  {command.Summary}");
        text.AppendLine();
        text.AppendLine("'rqa COMMAND --help' lists a command's flags with their defaults. 'rqa --version' prints the version.");
        return text.ToString();
    }

    static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
