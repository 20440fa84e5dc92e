namespace LocalRqa.Display;

/// <summary>How much a run prints on the console (`--log_level`); the log file always keeps every line.</summary>
internal enum ConsoleLevel
{
    /// <summary>Everything: progress, the run's log lines, warnings and errors.</summary>
    Info,
    /// <summary>Warnings and errors only (`--quiet`).</summary>
    Warning,
    /// <summary>Only the error that stops a run.</summary>
    Error,
}
