namespace LocalRqa.Tests;

/// <summary>
/// Where tests find their inputs. Fixtures and the example data live outside the repository in `../shared`;
/// the environment variables RQA_FIXTURES and RQA_SHARED_DATA point the same tests at other copies.
/// </summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string FixturesRoot =>
        Environment.GetEnvironmentVariable("RQA_FIXTURES") is { Length: > 0 } fixtures
            ? Path.GetFullPath(fixtures, RepoRoot)
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    public static string SharedDataRoot =>
        Environment.GetEnvironmentVariable("RQA_SHARED_DATA") is { Length: > 0 } data
            ? Path.GetFullPath(data, RepoRoot)
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string Fixture(string name) => Path.Combine(FixturesRoot, name);

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (LocalRqa.slnx) above " + AppContext.BaseDirectory);
    }
}
