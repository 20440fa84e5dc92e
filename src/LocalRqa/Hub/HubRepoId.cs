using System.Text.RegularExpressions;

namespace LocalRqa.Hub;

/// <summary>A hub model id <c>org/name</c> or <c>name</c>, with the revision from an optional <c>@revision</c> suffix.</summary>
internal sealed partial record HubRepoId
{
    public const string DefaultRevision = "main";

    /// <summary>The id as the hub spells it in URLs: <c>org/name</c> or <c>name</c>.</summary>
    public string RepoId { get; }

    /// <summary>Branch, tag or commit hash; <c>main</c> when none was given.</summary>
    public string Revision { get; }

    private HubRepoId(string repoId, string revision)
    {
        RepoId = repoId;
        Revision = revision;
    }

    /// <summary>The cache folder name: <c>models--org--name</c>.</summary>
    public string CacheFolderName => "models--" + RepoId.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>True when the revision is a full 40-hex commit hash, which never moves.</summary>
    public bool RevisionIsCommit => IsCommitHash(Revision);

    public static bool IsCommitHash(string value) => CommitRegex().IsMatch(value);

    /// <summary>Parses <c>org/name[@revision]</c>; throws <see cref="RqaException"/> on bad syntax.</summary>
    public static HubRepoId Parse(string text) =>
        TryParse(text, out var id, out string? error) ? id : throw new RqaException(error);

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubRepoId? id,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        id = null;
        text = (text ?? "").Trim();
        string repo = text, revision = DefaultRevision;
        int at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            repo = text[..at];
            revision = text[(at + 1)..];
            if (!IsValidRevision(revision))
            {
                error = $"invalid revision '{revision}' in model id '{text}'";
                return false;
            }
        }

        // Mirrors huggingface_hub's validate_repo_id: one optional namespace, word chars plus - and .,
        // no leading/trailing - or ., no "--" or ".." (they would break the models--org--name folder name).
        string[] parts = repo.Split('/');
        if (parts.Length is < 1 or > 2 || !parts.All(IsValidPart) || repo.Contains("--", StringComparison.Ordinal)
            || repo.Contains("..", StringComparison.Ordinal) || parts[^1].Length > 96)
        {
            error = $"invalid model id '{text}': expected a local folder or a hub id like 'org/name' or 'org/name@revision'";
            return false;
        }

        id = new HubRepoId(repo, revision);
        error = null;
        return true;
    }

    private static bool IsValidPart(string part) =>
        part.Length > 0 && PartRegex().IsMatch(part) && part[0] is not ('-' or '.') && part[^1] is not ('-' or '.');

    // Branch names may contain '/' (refs/pr/1); they end up as nested folders under refs/, so forbid escapes.
    private static bool IsValidRevision(string revision) =>
        revision.Length > 0 && revision.Length <= 256 && RevisionRegex().IsMatch(revision)
        && !revision.StartsWith('/') && !revision.EndsWith('/')
        && !revision.Split('/').Any(s => s is "" or "." or "..");

    public override string ToString() => Revision == DefaultRevision ? RepoId : $"{RepoId}@{Revision}";

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex PartRegex();

    [GeneratedRegex("^[A-Za-z0-9_./-]+$")]
    private static partial Regex RevisionRegex();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitRegex();
}
