using System.Diagnostics;

namespace LocalRqa.Tests.Cli;

/// <summary>The rqa command line as a real child process (for signals, kills and concurrent runs), its output redirected.</summary>
internal static class RqaProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rqa.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Runs rqa to its end with <paramref name="environment"/> added: its exit code and everything it printed.</summary>
    public static CliRun Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new CliRun(process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>
    /// `rqa train ctl` for bert-tiny on the first 12 Faire training questions (written into <paramref name="work"/>),
    /// without evaluation, then <paramref name="extra"/>.
    /// </summary>
    public static string[] SmallCtlRun(string work, string output, params string[] extra)
    {
        var train = Path.Combine(work, "train.jsonl");
        if (!File.Exists(train))
            File.WriteAllLines(train, File.ReadLines(Path.Combine(TestPaths.SharedDataRoot, "faire", "train_w_q.jsonl")).Take(12));
        return ["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--train_file", train, "--output_dir", output,
            "--per_device_train_batch_size", "8", "--do_eval", "false", "--evaluation_strategy", "no", "--load_best_model_at_end", "false", .. extra];
    }
}
