using System.Diagnostics;

namespace LocalRqa.Tests.Training.Reports;

/// <summary>
/// A fact that runs only where <c>python3</c> can import <c>tensorboard</c> or <c>tensorflow</c>, to read our
/// event files with the real implementation; skipped (with the reason) everywhere else.
/// </summary>
sealed class TensorBoardPythonFactAttribute : FactAttribute
{
    static readonly Lazy<string?> Missing = new(Probe);

    public TensorBoardPythonFactAttribute()
    {
        if (Missing.Value is { } reason)
            Skip = reason;
    }

    static string? Probe()
    {
        try
        {
            var start = new ProcessStartInfo("python3")
            {
                ArgumentList = { "-c", "import importlib.util as u, sys; sys.exit(0 if u.find_spec('tensorboard') or u.find_spec('tensorflow') else 3)" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start);
            if (process is null)
                return "python3 could not be started";
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                return "python3 did not answer";
            }
            return process.ExitCode == 0 ? null : "python3 has neither tensorboard nor tensorflow installed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "python3 is not installed";
        }
    }
}
