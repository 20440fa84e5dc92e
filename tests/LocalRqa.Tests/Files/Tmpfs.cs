using System.Diagnostics;

namespace LocalRqa.Tests.Files;

/// <summary>
/// A small tmpfs mounted on a temporary folder: a real full disk ("No space left on device") for the tests of what a
/// failed run leaves behind. Mounting needs root (or CAP_SYS_ADMIN); <see cref="TmpfsFactAttribute"/> skips the test elsewhere.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    public string Root { get; }

    public Tmpfs(int kibibytes)
    {
        Root = Directory.CreateTempSubdirectory("rqa-tmpfs-").FullName;
        if (TryMount(Root, kibibytes) is { } error)
        {
            Directory.Delete(Root);
            throw new InvalidOperationException($"cannot mount a tmpfs on {Root}: {error}");
        }
    }

    public void Dispose()
    {
        Run("umount", Root);
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Null when a tmpfs can be mounted here, else why not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs is Linux's";
        var probe = Directory.CreateTempSubdirectory("rqa-tmpfs-probe-").FullName;
        try
        {
            var error = TryMount(probe, 64);
            if (error is null) Run("umount", probe);
            return error is null ? null : $"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {error}";
        }
        finally { Directory.Delete(probe, recursive: true); }
    }

    static string? TryMount(string folder, int kibibytes)
    {
        try { return Run("mount", "-t", "tmpfs", "-o", $"size={kibibytes}k", "tmpfs", folder); }
        catch (System.ComponentModel.Win32Exception e) { return e.Message; }
    }

    /// <returns>null on success, else the command's error output</returns>
    static string? Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Result.Trim();
    }
}
