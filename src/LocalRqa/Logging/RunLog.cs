using System.Text;
using LocalRqa.Display;

namespace LocalRqa.Logging;

/// <summary>
/// The log of a run (`test.log`, `train.log`): every line goes to the console (stderr, keeping stdout for
/// results) and, once <see cref="AttachFile"/> is called, to a file in the output folder, time-stamped.
/// </summary>
internal sealed class RunLog : TextWriter
{
    readonly TextWriter console;
    readonly object gate = new();
    StreamWriter? file;
    readonly StringBuilder pending = new();

    public RunLog(TextWriter console) => this.console = console;

    public override Encoding Encoding => Encoding.UTF8;

    // Lines written before a file is attached (input checks run before the output folder exists), so the file
    // holds everything the console showed.
    readonly List<string> beforeFile = [];

    /// <param name="append">continue an existing file (a resumed run) rather than start it anew</param>
    public void AttachFile(string path, bool append = false)
    {
        lock (gate)
        {
            file = new StreamWriter(path, append, new UTF8Encoding(false)) { AutoFlush = true };
            foreach (var line in beforeFile) file.WriteLine(line);
            beforeFile.Clear();
        }
    }

    /// <summary>
    /// Ends the log file with the error that stopped the run, the line the console already showed: a log that exists
    /// never looks like a run that is still going or that finished. Nothing is written when no file was attached.
    /// </summary>
    public void EndWithError(string line)
    {
        lock (gate)
        {
            if (pending.Length > 0) Write('\n');
            file?.WriteLine($"[{DateTime.Now:MM/dd/yyyy HH:mm:ss}] ERROR - {line}");
        }
    }

    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n')
            {
                var line = pending.ToString();
                pending.Clear();
                console.WriteLine(line);
                var level = LiveConsole.LevelOf(line) == ConsoleLevel.Warning ? "WARNING" : "INFO";
                var stamped = $"[{DateTime.Now:MM/dd/yyyy HH:mm:ss}] {level} - {line}"; // LocalRQA's log line shape
                if (file is null) { if (beforeFile.Count < 10_000) beforeFile.Add(stamped); }
                else file.WriteLine(stamped);
            }
            else if (value != '\r') pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "") Write(c);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            lock (gate)
            {
                if (pending.Length > 0) Write('\n');
                file?.Dispose();
                file = null;
            }
        base.Dispose(disposing);
    }
}
