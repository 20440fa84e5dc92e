namespace LocalRqa.Tests;

/// <summary>
/// Where tests find the repository and the read-only shared material (fixtures, data sets). The defaults are
/// &lt;repo&gt;/../shared/...; a git worktree nested deeper (e.g. /work/wt/x) falls back to the nearest ancestor
/// that has a shared/ folder, so the same tests run from the main checkout and from worktrees.
/// </summary>
public static class TestPaths
{
    private static readonly Lazy<string> Repo = new(FindRepoRoot);

    /// <summary>The folder holding LocalRqa.slnx, found by walking up from the test binaries.</summary>
    public static string RepoRoot => Repo.Value;

    /// <summary>Env RQA_FIXTURES, else &lt;repo&gt;/../shared/fixtures.</summary>
    public static string FixturesRoot => FromEnvOrShared("RQA_FIXTURES", "fixtures");

    /// <summary>Env RQA_SHARED_DATA, else &lt;repo&gt;/../shared/data.</summary>
    public static string SharedDataRoot => FromEnvOrShared("RQA_SHARED_DATA", "data");

    public static string Fixture(string name) => Path.Combine(FixturesRoot, name);

    private static string FromEnvOrShared(string variable, string child)
    {
        var fromEnv = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnv)) return Path.GetFullPath(fromEnv);
        string preferred = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", child));
        for (var dir = Directory.GetParent(RepoRoot); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", child);
            if (Directory.Exists(candidate)) return candidate;
        }
        return preferred;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no LocalRqa.slnx above {AppContext.BaseDirectory}");
    }
}
