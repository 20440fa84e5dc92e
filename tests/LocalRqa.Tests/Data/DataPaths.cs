namespace LocalRqa.Tests.Data;

/// <summary>
/// Where tests find the repository and the read-only shared material (to be unified with TestPaths).
/// The shared data root is $RQA_SHARED_DATA, else the nearest <c>shared/data</c> beside the repository or one of
/// its parent folders (a git worktree sits deeper than the main checkout).
/// </summary>
internal static class DataPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedDataRoot { get; } = FindSharedDataRoot();

    /// <summary>The folder holding <c>data/</c> and <c>fixtures/</c>.</summary>
    public static string SharedRoot => Path.GetDirectoryName(SharedDataRoot)!;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no LocalRqa.slnx above {AppContext.BaseDirectory}");
    }

    private static string FindSharedDataRoot()
    {
        if (Environment.GetEnvironmentVariable("RQA_SHARED_DATA") is { Length: > 0 } fromEnv) return Path.GetFullPath(fromEnv);
        var preferred = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
        for (var dir = Directory.GetParent(RepoRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return preferred; // Missing: tests that need it fail naming this path.
    }
}
