namespace LocalRqa.Bench;

/// <summary>
/// The shared data folder the benchmarks read (the Faire files): RQA_SHARED_DATA when set, else the first
/// shared/data found above the repository (a git worktree sits deeper than the clone beside shared/).
/// </summary>
internal static class SharedData
{
    /// <summary>The full path of a file under the Faire data folder.</summary>
    public static string Faire(string file) => Path.GetFullPath(Path.Combine(Root(), "faire", file));

    /// <summary>A reference fixture folder: under RQA_FIXTURES when set, else the shared/fixtures beside the data.</summary>
    public static string Fixture(string name)
    {
        var root = Environment.GetEnvironmentVariable("RQA_FIXTURES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Root(), "..", "fixtures");
        return Path.GetFullPath(Path.Combine(root, name));
    }

    static string Root()
    {
        if (Environment.GetEnvironmentVariable("RQA_SHARED_DATA") is { Length: > 0 } configured) return configured;
        var repo = FindRepoRoot();
        for (var dir = repo.Parent; dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return Path.Combine(repo.FullName, "..", "shared", "data");
    }

    static DirectoryInfo FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir;
        return new DirectoryInfo(Directory.GetCurrentDirectory());
    }
}
