using System.Diagnostics;

namespace LocalRqa.Tests.Files;

/// <summary>FIFOs, device nodes and file types for the output tests, made and read with coreutils, not with the code under test.</summary>
internal static class SpecialFiles
{
    public static string Fifo(string folder, string name = "fifo")
    {
        var path = Path.Combine(folder, name);
        Run("mkfifo", path);
        return path;
    }

    /// <summary>
    /// A null character device (1, 3): a node of its own in <paramref name="folder"/> where this user may make one (root),
    /// so a regression that renames onto it cannot replace the machine's /dev/null; else /dev/null itself, which such a
    /// user cannot replace.
    /// </summary>
    public static string NullDevice(string folder)
    {
        var path = Path.Combine(folder, "null");
        return TryRun("mknod", path, "c", "1", "3") ? path : "/dev/null";
    }

    /// <summary>The type of the node at <paramref name="path"/> itself, links not followed ("fifo", "character special file", "symbolic link", "regular file").</summary>
    public static string TypeOf(string path) => Output("stat", "-c", "%F", path).Trim();

    /// <summary>Reads a FIFO to its end on a background thread (opening it waits for a writer).</summary>
    public static Func<TimeSpan, string?> StartReading(string fifo)
    {
        string? content = null;
        var reader = new Thread(() => content = File.ReadAllText(fifo)) { IsBackground = true };
        reader.Start();
        return timeout => reader.Join(timeout) ? content : null;
    }

    static void Run(string file, params string[] args)
    {
        if (!TryRun(file, args)) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed");
    }

    static bool TryRun(string file, params string[] args)
    {
        using var process = Start(file, args);
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    static string Output(string file, params string[] args)
    {
        using var process = Start(file, args);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed");
    }

    static Process Start(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
