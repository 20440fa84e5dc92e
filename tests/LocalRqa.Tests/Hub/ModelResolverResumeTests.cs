using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class ModelResolverResumeTests : IDisposable
{
    private readonly HubTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TransferCutMidway_IsResumedWithRange_AndByteIdentical(bool lfs)
    {
        var repo = ctx.AddTinyModel();
        if (!lfs) repo.Lfs.Clear();
        byte[] weights = repo.Files["model.safetensors"];
        ctx.Server.CutTransfers("model.safetensors");

        string folder = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        // Exactly two body transfers: the cut one and the resumed one (no wasted full re-download).
        var bodies = ctx.Server.Requests
            .Where(r => lfs ? r.Target.StartsWith("/cdn/", StringComparison.Ordinal) : r.Target.EndsWith("/model.safetensors", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Null(bodies[0].Header("Range"));
        Assert.Equal($"bytes={weights.Length / 2}-", bodies[1].Header("Range"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PartialFileFromEarlierRun_IsResumed(bool lfs)
    {
        var repo = ctx.AddTinyModel();
        if (!lfs) repo.Lfs.Clear();
        byte[] weights = repo.Files["model.safetensors"];
        string etag = lfs ? FakeHub.Sha256(weights) : FakeHub.GitSha1(weights);
        string blobs = Path.Combine(ctx.RepoFolder("org/tiny"), "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllBytes(Path.Combine(blobs, etag + ".incomplete"), weights[..100_000]);

        string folder = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.Contains(ctx.Server.Requests, r => r.Header("Range") == "bytes=100000-");
        Assert.False(File.Exists(Path.Combine(blobs, etag + ".incomplete")));
    }

    [Fact]
    public void StalledTransfer_TimesOutAndIsResumed()
    {
        var repo = ctx.AddTinyModel();
        byte[] weights = repo.Files["model.safetensors"];
        ctx.Server.CutTransfers("model.safetensors");
        ctx.Server.StallInsteadOfClose = true;
        var settings = ctx.Settings() with { ReadTimeout = TimeSpan.FromSeconds(1) };

        string folder = new ModelResolver(settings, null, ctx.Log).Resolve("org/tiny");

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.Contains(ctx.Server.Requests, r => r.Header("Range") == $"bytes={weights.Length / 2}-");
    }

    [Fact]
    public async Task ConcurrentResolves_OfTheSameModel_AllSucceed()
    {
        var repo = ctx.AddTinyModel(weightBytes: 2_000_000);

        string[] folders = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ctx.Resolver().ResolveAsync("org/tiny"))));

        Assert.All(folders, f => Assert.Equal(folders[0], f));
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(folders[0], "model.safetensors")));
        Assert.Empty(Directory.GetFiles(Path.Combine(ctx.RepoFolder("org/tiny"), "blobs"), "*.incomplete"));
    }

    [Fact]
    public void ServerIgnoringRange_RestartsFromZero()
    {
        var repo = ctx.AddTinyModel();
        byte[] weights = repo.Files["model.safetensors"];
        string blobs = Path.Combine(ctx.RepoFolder("org/tiny"), "blobs");
        Directory.CreateDirectory(blobs);
        // Garbage that would corrupt the file if it were appended to.
        File.WriteAllBytes(Path.Combine(blobs, FakeHub.Sha256(weights) + ".incomplete"), HubTestContext.Bytes(1234, 9));
        ctx.Server.IgnoreRange = true;

        string folder = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public void OversizedPartialFile_416_IsDiscarded()
    {
        var repo = ctx.AddTinyModel(weightBytes: 50_000);
        byte[] weights = repo.Files["model.safetensors"];
        string blobs = Path.Combine(ctx.RepoFolder("org/tiny"), "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllBytes(Path.Combine(blobs, FakeHub.Sha256(weights) + ".incomplete"), HubTestContext.Bytes(60_000, 9));

        string folder = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public void TransferCutEveryTime_FailsAfterRetries_WithoutHalfFileInPlace()
    {
        var repo = ctx.AddTinyModel();
        string etag = FakeHub.Sha256(repo.Files["model.safetensors"]);
        ctx.Server.CutTransfers("model.safetensors", times: 100);

        var e = Assert.Throws<RqaException>(() => ctx.Resolver().Resolve("org/tiny"));

        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("4 attempts", e.Message);
        string repoDir = ctx.RepoFolder("org/tiny");
        Assert.False(File.Exists(Path.Combine(repoDir, "blobs", etag)));
        Assert.True(File.Exists(Path.Combine(repoDir, "blobs", etag + ".incomplete")));
        Assert.False(File.Exists(Path.Combine(repoDir, "refs", "main")));
        Assert.False(File.Exists(Path.Combine(repoDir, "snapshots", repo.Commit, "config.json")));
        Assert.Null(ctx.Resolver().Cache.TryGetSnapshot(HubRepoId.Parse("org/tiny")));

        // A later run picks up where the last one stopped.
        ctx.Server.CutTransfers("model.safetensors", times: 0);
        string folder = ctx.Resolver().Resolve("org/tiny");
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
    }
}
