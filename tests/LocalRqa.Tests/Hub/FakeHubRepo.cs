namespace LocalRqa.Tests.Hub;

/// <summary>A repo served by <see cref="FakeHub"/>: files at one commit; LFS files are redirected to the fake CDN.</summary>
public sealed class FakeHubRepo(string id, string commit)
{
    public string Id { get; } = id;
    public string Commit { get; } = commit;
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Lfs { get; } = new(StringComparer.Ordinal);

    /// <summary>Branch/tag names the repo answers to besides its commit.</summary>
    public HashSet<string> Revisions { get; } = new(StringComparer.Ordinal) { "main" };

    /// <summary>When set, every request answers this status (401 for a gated repo, say).</summary>
    public int? ForcedStatus { get; set; }
}
