
namespace LocalRqa.Tests.Checkpoints;

/// <summary>A fact that is reported as skipped (with the reason) while a fixture not yet committed is absent.</summary>
public sealed class FactIfFileExistsAttribute : FactAttribute
{
    public FactIfFileExistsAttribute(string repoRelativePath)
    {
        if (!File.Exists(Path.Combine(TestPaths.RepoRoot, repoRelativePath)))
            Skip = $"fixture {repoRelativePath} is not in the repository yet";
    }
}
