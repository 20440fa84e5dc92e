using System.Diagnostics;
using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class HubLockTests : IDisposable
{
    private readonly HubTestContext ctx = new();
    private readonly SynchronizedLog log = new();

    public void Dispose()
    {
        log.Dispose();
        ctx.Dispose();
    }

    private ModelResolver Resolver(TimeSpan? lockTimeout = null) =>
        new(ctx.Settings() with { LockTimeout = lockTimeout ?? TimeSpan.FromMinutes(1) }, null, log);

    private string LockPath(HubRepoId id, string etag) => new HubCache(ctx.CacheRoot).LockPath(id, etag);

    private static FileStream HoldLock(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    private static int Count(string text, string fragment) =>
        (text.Length - text.Replace(fragment, "", StringComparison.Ordinal).Length) / fragment.Length;

    [Fact]
    public async Task LockHeldByAnotherHandle_DownloadWaits_AndProceedsWhenReleased()
    {
        var repo = ctx.AddTinyModel();
        byte[] weights = repo.Files["model.safetensors"];
        string lockPath = LockPath(HubRepoId.Parse("org/tiny"), FakeHub.Sha256(weights));
        var held = HoldLock(lockPath);

        Task<string> resolve;
        try
        {
            resolve = Task.Run(() => Resolver().ResolveAsync("org/tiny"));
            Assert.True(await log.WaitForAsync("waiting for another download", TimeSpan.FromSeconds(20)), log.Text);
            await Task.Delay(700);
            Assert.False(resolve.IsCompleted);
        }
        finally
        {
            held.Dispose();
        }
        string folder = await resolve.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.Contains($"waiting for another download of model.safetensors of org/tiny (lock at {lockPath})", log.Text);
        Assert.Equal(1, Count(log.Text, "waiting for another download"));
    }

    [Fact]
    public void LockNeverReleased_GivesUpAfterLockTimeout()
    {
        var repo = ctx.AddTinyModel();
        string lockPath = LockPath(HubRepoId.Parse("org/tiny"), FakeHub.Sha256(repo.Files["model.safetensors"]));
        using var held = HoldLock(lockPath);

        var e = Assert.Throws<RqaException>(() => Resolver(TimeSpan.FromSeconds(1)).Resolve("org/tiny"));

        Assert.StartsWith("gave up after 1 s waiting for another download of model.safetensors of org/tiny", e.Message);
        Assert.Contains(lockPath, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(1, Count(log.Text, "waiting for another download"));
    }

    [Fact]
    public void LockPathThatIsADirectory_FailsAtOnceWithTheLockPath()
    {
        var repo = ctx.AddTinyModel();
        // config.json is fetched first and is not LFS: its etag is the git blob sha1.
        string lockPath = LockPath(HubRepoId.Parse("org/tiny"), FakeHub.GitSha1(repo.Files["config.json"]));
        Directory.CreateDirectory(lockPath);
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<RqaException>(() => Resolver(TimeSpan.FromMinutes(10)).Resolve("org/tiny"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        Assert.StartsWith($"cannot take the download lock {lockPath} for config.json of org/tiny", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("waiting", log.Text);
    }

    [Fact]
    public void LockFolderBlockedByAFile_FailsAtOnce()
    {
        ctx.AddTinyModel();
        File.WriteAllText(Path.Combine(ctx.CacheRoot, ".locks"), "not a folder");

        var e = Assert.Throws<RqaException>(() => Resolver(TimeSpan.FromMinutes(10)).Resolve("org/tiny"));

        Assert.StartsWith("cannot take the download lock " + Path.Combine(ctx.CacheRoot, ".locks"), e.Message);
    }

    [Fact]
    public void IsLockConflict_MatchesOnlyASharingViolation()
    {
        string path = Path.Combine(ctx.Root, "x.lock");
        using var held = HoldLock(path);
        var conflict = Assert.ThrowsAny<IOException>(() => HoldLock(path));

        Assert.True(HubClient.IsLockConflict(conflict));
        Assert.False(HubClient.IsLockConflict(new IOException("read-only file system", 30)));
        Assert.False(HubClient.IsLockConflict(new IOException("no space left on device", 28)));
        Assert.False(HubClient.IsLockConflict(new FileNotFoundException("gone")));
    }
}
