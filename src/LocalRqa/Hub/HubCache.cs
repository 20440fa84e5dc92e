using System.Security.Cryptography;
using System.Text;

namespace LocalRqa.Hub;

/// <summary>
/// The huggingface_hub cache layout, so that models downloaded by Python tools are reused and vice versa:
/// <c>models--org--name/blobs/{etag}</c>, <c>snapshots/{commit}/{file}</c> (relative symlinks into blobs) and
/// <c>refs/{revision}</c> (the commit hash).
/// </summary>
internal sealed class HubCache
{
    public HubCache(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>Test hook: behave as if the file system refused symlinks.</summary>
    internal bool ForceCopy { get; set; }

    public string RepoFolder(HubRepoId id) => Path.Combine(Root, id.CacheFolderName);

    public string SnapshotFolder(HubRepoId id, string commit) => Path.Combine(RepoFolder(id), "snapshots", commit);

    /// <summary>
    /// The snapshot folder for the id's revision if it is complete enough to use (it has config.json), else null.
    /// Our downloads link config.json last, so its presence also means our download finished.
    /// </summary>
    public string? TryGetSnapshot(HubRepoId id) =>
        TryGetSnapshotCommit(id) is { } commit ? SnapshotFolder(id, commit) : null;

    /// <summary>The commit of the snapshot <see cref="TryGetSnapshot"/> would return, or null.</summary>
    internal string? TryGetSnapshotCommit(HubRepoId id)
    {
        string refFile = RefPath(id, id.Revision);
        if (File.Exists(refFile))
        {
            string commit = File.ReadAllText(refFile).Trim();
            if (HubRepoId.IsCommitHash(commit) && HasConfig(SnapshotFolder(id, commit))) return commit;
        }
        if (id.RevisionIsCommit && HasConfig(SnapshotFolder(id, id.Revision))) return id.Revision;
        return null;
    }

    private static bool HasConfig(string snapshot) => File.Exists(Path.Combine(snapshot, HubModelFiles.Config));

    /// <summary>
    /// The optional files whose presence at <paramref name="commit"/> is unknown: neither in the snapshot nor
    /// recorded as absent. A snapshot another tool filled with transformers files alone lacks modules.json and
    /// 1_Pooling/config.json without saying so, and using it as is would silently change the pooling.
    /// </summary>
    internal List<string> UndecidedOptionalFiles(HubRepoId id, string commit)
    {
        string snapshot = SnapshotFolder(id, commit);
        return HubModelFiles.Optional.Distinct(StringComparer.Ordinal)
            .Where(f => f != HubModelFiles.Config
                && !File.Exists(Path.Combine(snapshot, Native(f)))
                && !File.Exists(NoExistPath(id, commit, f)))
            .ToList();
    }

    /// <summary>
    /// huggingface_hub's record of a file known to be absent at a commit: an empty file at
    /// <c>.no_exist/{commit}/{relativePath}</c>. Python tools honour ours and we honour theirs.
    /// </summary>
    internal string NoExistPath(HubRepoId id, string commit, string relativePath) =>
        Path.Combine(RepoFolder(id), ".no_exist", commit, Native(relativePath));

    internal void MarkNoExist(HubRepoId id, string commit, string relativePath)
    {
        string path = NoExistPath(id, commit, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Always empty, so a concurrent writer (another run, a Python tool) can only write the same thing.
        File.WriteAllBytes(path, []);
    }

    private static string Native(string relativePath) => relativePath.Replace('/', Path.DirectorySeparatorChar);

    internal string RefPath(HubRepoId id, string revision) =>
        Path.Combine(RepoFolder(id), "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    internal string BlobPath(HubRepoId id, string etag) => Path.Combine(RepoFolder(id), "blobs", BlobName(etag));

    // Same place huggingface_hub keeps its locks, so concurrent Python and .NET downloads of a blob serialize.
    internal string LockPath(HubRepoId id, string etag) =>
        Path.Combine(Root, ".locks", id.CacheFolderName, BlobName(etag) + ".lock");

    // Etags become file names; anything unusual (a proxy's odd etag) is hashed rather than trusted.
    internal static string BlobName(string etag) =>
        etag.Length is > 0 and <= 128 && etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && etag[0] != '.'
            ? etag
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(etag)));

    /// <summary>Writes <c>refs/{revision}</c> atomically (no trailing newline, like huggingface_hub).</summary>
    internal void WriteRef(HubRepoId id, string revision, string commit)
    {
        string path = RefPath(id, revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(tmp, commit);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Makes <c>snapshots/{commit}/{relativePath}</c> point at the blob via a relative symlink (so the cache
    /// can be moved), or a copy where symlinks are not allowed. Replaces whatever was there atomically.
    /// </summary>
    internal void LinkIntoSnapshot(HubRepoId id, string commit, string relativePath, string blobPath)
    {
        string link = Path.Combine(SnapshotFolder(id, commit), Native(relativePath));
        string dir = Path.GetDirectoryName(link)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, "." + Path.GetFileName(link) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            if (ForceCopy) throw new IOException("symlinks disabled");
            File.CreateSymbolicLink(tmp, Path.GetRelativePath(dir, blobPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blobPath, tmp, overwrite: true);
        }
        // rename(2) replaces the old entry in one step, so readers never see a missing or half file.
        File.Move(tmp, link, overwrite: true);
    }
}
