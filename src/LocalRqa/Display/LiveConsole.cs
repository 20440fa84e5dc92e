using System.Text;

namespace LocalRqa.Display;

/// <summary>
/// The process's stderr as the CLI uses it (installed with Console.SetError, so every writer goes through it): whole
/// lines, filtered by <see cref="Level"/>, and on a terminal one live status line below them. The status line is
/// cleared before a line is printed and redrawn after it, so log lines never land inside it; it is cut to the
/// terminal's width, since a wrapped line cannot be cleared. Redirected (a file, a pipe, CI) or on a dumb terminal
/// there is no status line, no carriage return and no escape code: progress comes as plain lines
/// (<see cref="ProgressLine"/>). Colour marks warnings and errors on a terminal unless NO_COLOR is set
/// (https://no-color.org).
/// <para>
/// Not Spectre.Console's live display: it owns the console while it renders, and our lines come from many writers
/// (the run log, the trainer, the hub client, libraries writing Console.Error) at any time. What a status line needs
/// is two escape codes (carriage return and erase line), written here under one lock with every other line.
/// </para>
/// </summary>
internal sealed class LiveConsole : TextWriter
{
    const string ClearLine = "\r\u001b[2K";
    const string Yellow = "\u001b[33m", Red = "\u001b[31m", Reset = "\u001b[0m";

    readonly TextWriter terminal;
    readonly Func<int> width;
    readonly object gate = new();
    readonly StringBuilder pending = new();
    string? status;

    /// <param name="terminal">the raw stream (stderr)</param>
    /// <param name="live">draw a status line with escape codes (stderr is a terminal that understands them)</param>
    /// <param name="color">colour warnings and errors</param>
    /// <param name="width">the terminal's width, asked at every redraw (it can be resized)</param>
    public LiveConsole(TextWriter terminal, bool live, bool color, Func<int> width)
    {
        this.terminal = terminal;
        this.width = width;
        IsLive = live;
        UsesColor = live && color;
    }

    /// <summary>Stderr as this process has it: live on a terminal unless TERM=dumb; colour unless NO_COLOR is set.</summary>
    public static LiveConsole ForStandardError()
    {
        var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = false };
        var live = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
        var color = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new LiveConsole(stderr, live, color, TerminalWidth.OfStandardError);
    }

    /// <summary>Makes this console stderr for the whole process (Console.Error writes through it from now on).</summary>
    public void Install()
    {
        Console.SetError(this);
        Installed = this;
    }

    /// <summary>
    /// The console stderr goes through, if one was installed (Console.Error itself is a synchronised wrapper, so it
    /// cannot tell).
    /// </summary>
    public static LiveConsole? Installed { get; private set; }

    /// <summary>The installed console if it draws a status line.</summary>
    public static LiveConsole? Active => Installed is { IsLive: true } console ? console : null;

    public bool IsLive { get; }
    public bool UsesColor { get; }

    /// <summary>Lines below this level are not printed (the run's log file still has them); progress only at Info.</summary>
    public ConsoleLevel Level { get; set; } = ConsoleLevel.Info;

    public bool ShowsProgress => Level == ConsoleLevel.Info;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Shows (or replaces) the status line; nothing happens unless live and showing progress.</summary>
    public void ShowStatus(string text)
    {
        if (!IsLive || !ShowsProgress) return;
        lock (gate)
        {
            status = text;
            terminal.Write(ClearLine);
            terminal.Write(Fit(text));
            terminal.Flush();
        }
    }

    /// <summary>Removes the status line, leaving the cursor at the start of the empty row.</summary>
    public void ClearStatus()
    {
        lock (gate)
        {
            if (status is null) return;
            status = null;
            terminal.Write(ClearLine);
            terminal.Flush();
        }
    }

    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n') EmitLine();
            else if (value != '\r') pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        lock (gate)
            foreach (var c in value) Write(c);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (gate) terminal.Flush();
    }

    void EmitLine()
    {
        var line = pending.ToString();
        pending.Clear();
        if (LevelOf(line) < Level) return;
        if (status is not null) terminal.Write(ClearLine);
        terminal.Write(Colored(line));
        terminal.Write('\n');
        if (status is not null) terminal.Write(Fit(status));
        terminal.Flush();
    }

    /// <summary>Warnings and errors are recognised by the prefixes every rqa message of that kind starts with.</summary>
    internal static ConsoleLevel LevelOf(string line) =>
        line.StartsWith("rqa: error:", StringComparison.Ordinal) || line.StartsWith("rqa: internal error:", StringComparison.Ordinal) ? ConsoleLevel.Error
        : line.StartsWith("warning:", StringComparison.Ordinal) ? ConsoleLevel.Warning
        : ConsoleLevel.Info;

    string Colored(string line) => !UsesColor ? line : LevelOf(line) switch
    {
        ConsoleLevel.Error => Red + line + Reset,
        ConsoleLevel.Warning => Yellow + line + Reset,
        _ => line,
    };

    /// <summary>The status cut to one row less a column (some terminals wrap when the last column is written).</summary>
    string Fit(string text)
    {
        var columns = Math.Max(width() - 1, 10);
        return text.Length <= columns ? text : text[..(columns - 1)] + "…";
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            lock (gate)
            {
                if (pending.Length > 0) EmitLine();
                if (status is not null) terminal.Write(ClearLine);
                status = null;
                terminal.Flush();
            }
        base.Dispose(disposing);
    }
}
