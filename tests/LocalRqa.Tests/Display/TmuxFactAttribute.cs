using System.Diagnostics;

namespace LocalRqa.Tests.Display;

/// <summary>A fact that needs tmux (CI installs it); skipped, with the reason, where it is missing.</summary>
sealed class TmuxFactAttribute : FactAttribute
{
    static readonly Lazy<bool> Present = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("tmux", "-V") { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public TmuxFactAttribute()
    {
        if (!Present.Value) Skip = "tmux is not installed (apt-get install tmux)";
    }
}
