using System.CommandLine;
using LocalRqa.Cli.Commands;

namespace LocalRqa.Cli;

/// <summary>
/// The `rqa` command tree and its error policy: a user error (bad flag, bad file, bad model) prints one line
/// on stderr and exits 2; anything else is a bug and keeps its stack trace (exit 1).
/// </summary>
public static class CommandLine
{
    public const int UserErrorExitCode = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("rqa: train and evaluate dense retrievers for retrieval-augmented question answering.");
        root.Subcommands.Add(EncodeCommand.Create());
        root.Subcommands.Add(TestRetrieverCommand.Create());
        root.Subcommands.Add(PrepareCtxsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        return root;
    }

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args is ["train", "ctl", ..] && Asks(args, "--help", "-h", "-?"))
        {
            stdout.WriteLine(TrainCommand.CtlHelp());
            return 0;
        }
        if (args is ["train", "dca", ..] && Asks(args, "--help", "-h", "-?"))
        {
            stdout.WriteLine(TrainCommand.DcaHelp());
            return 0;
        }
        if (args is ["train", "rpg", ..] && Asks(args, "--help", "-h", "-?"))
        {
            stdout.WriteLine(TrainCommand.RpgHelp());
            return 0;
        }
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0 && !Asks(args, "--help", "-h", "-?", "--version"))
        {
            // One line, like every other user error: the messages joined, then where help is.
            var command = parsed.CommandResult.Command;
            var help = command is RootCommand ? "rqa --help" : $"rqa {command.Name} --help";
            var messages = parsed.Errors.Select(e => string.Join(" ", e.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            stderr.WriteLine($"rqa: error: {string.Join("; ", messages)} (see '{help}')");
            return UserErrorExitCode;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (RqaException e)
        {
            stderr.WriteLine($"rqa: error: {e.Message}");
            return UserErrorExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the user named is unreadable or a folder unwritable: their environment, not our bug.
            stderr.WriteLine($"rqa: error: {e.Message}");
            return UserErrorExitCode;
        }
    }

    static bool Asks(string[] args, params string[] flags) => args.Any(a => flags.Contains(a));
}
