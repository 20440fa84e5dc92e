using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class ModelResolverDownloadTests : IDisposable
{
    private readonly HubTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public void FullDownload_CreatesHubCacheLayoutWithRelativeSymlinks()
    {
        var repo = ctx.AddTinyModel();

        string folder = ctx.Resolver().Resolve("org/tiny");

        string repoDir = ctx.RepoFolder("org/tiny");
        Assert.Equal(Path.Combine(repoDir, "snapshots", repo.Commit), folder);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        foreach (var (name, data) in repo.Files)
        {
            string path = Path.Combine(folder, name);
            Assert.Equal(data, File.ReadAllBytes(path));
            string etag = repo.Lfs.Contains(name) ? FakeHub.Sha256(data) : FakeHub.GitSha1(data);
            string expectedTarget = (name.Contains('/') ? "../../../blobs/" : "../../blobs/") + etag;
            Assert.Equal(expectedTarget, new FileInfo(path).LinkTarget);
            Assert.True(File.Exists(Path.Combine(repoDir, "blobs", etag)));
        }
        Assert.Empty(Directory.GetFiles(Path.Combine(repoDir, "blobs"), "*.incomplete"));
        Assert.Contains("model.safetensors", ctx.Log.ToString());
    }

    [Fact]
    public void SecondResolve_UsesCacheWithoutRequests()
    {
        ctx.AddTinyModel();
        string first = ctx.Resolver().Resolve("org/tiny");
        ctx.Server.Requests.Clear();

        string second = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(first, second);
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void LaterFilesAreRequestedAtTheCommitOfConfig()
    {
        var repo = ctx.AddTinyModel();
        ctx.Resolver().Resolve("org/tiny");

        var targets = ctx.Server.Requests.Select(r => r.Target).Where(t => t.Contains("/resolve/")).ToList();
        Assert.Equal("/org/tiny/resolve/main/config.json", targets[0]);
        Assert.All(targets.Skip(1), t => Assert.StartsWith($"/org/tiny/resolve/{repo.Commit}/", t));
    }

    [Fact]
    public void ShardedSafetensors_DownloadsIndexAndEveryShard()
    {
        var repo = ctx.Server.AddRepo("org/big");
        repo.Files["config.json"] = HubTestContext.Text("{}");
        repo.Files["model.safetensors.index.json"] = HubTestContext.Text(
            "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00001-of-00002.safetensors\"}}");
        repo.Files["model-00001-of-00002.safetensors"] = HubTestContext.Bytes(70_000, 2);
        repo.Files["model-00002-of-00002.safetensors"] = HubTestContext.Bytes(90_000, 3);
        repo.Lfs.Add("model-00001-of-00002.safetensors");
        repo.Lfs.Add("model-00002-of-00002.safetensors");

        string folder = ctx.Resolver().Resolve("org/big");

        foreach (var (name, data) in repo.Files) Assert.Equal(data, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.False(File.Exists(Path.Combine(folder, "pytorch_model.bin")));
    }

    [Fact]
    public void MissingOptionalFiles_AreFine_AndPytorchBinIsTheFallback()
    {
        var repo = ctx.Server.AddRepo("bare");
        repo.Files["config.json"] = HubTestContext.Text("{}");
        repo.Files["pytorch_model.bin"] = HubTestContext.Bytes(5_000, 4);

        string folder = ctx.Resolver().Resolve("bare");

        Assert.Equal(new[] { "config.json", "pytorch_model.bin" },
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(ctx.Server.Requests, r => r.Target.EndsWith("/tokenizer.json", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(ctx.CacheRoot, "models--bare", "snapshots")));
    }

    [Fact]
    public void UnknownRepo_ThrowsClearNotFoundMessage()
    {
        var e = Assert.Throws<RqaException>(() => ctx.Resolver().Resolve("nobody/nothing"));

        Assert.Contains("nobody/nothing not found on the hub", e.Message);
        Assert.Contains("HTTP 404 for config.json", e.Message);
        Assert.Contains(ctx.Server.Endpoint + "/nobody/nothing/resolve/main/config.json", e.Message);
        Assert.False(Directory.Exists(Path.Combine(ctx.RepoFolder("nobody/nothing"), "snapshots")));
    }

    [Fact]
    public void RepoWithoutWeights_Throws_AndLeavesNoUsableSnapshot()
    {
        var repo = ctx.Server.AddRepo("org/noweights");
        repo.Files["config.json"] = HubTestContext.Text("{}");

        var e = Assert.Throws<RqaException>(() => ctx.Resolver().Resolve("org/noweights"));

        Assert.Contains("no weights", e.Message);
        Assert.Null(ctx.Resolver().Cache.TryGetSnapshot(HubRepoId.Parse("org/noweights")));
    }

    [Fact]
    public void Gated_401_MentionsHfToken()
    {
        ctx.AddTinyModel("org/gated").ForcedStatus = 401;

        var e = Assert.Throws<RqaException>(() => ctx.Resolver().Resolve("org/gated"));

        Assert.Contains("HF_TOKEN", e.Message);
        Assert.Contains("401", e.Message);
    }

    [Fact]
    public void Token_IsSentAsBearerToTheHub_ButNotToTheCdnHost()
    {
        ctx.AddTinyModel();

        ctx.Resolver(token: "hf_secret").Resolve("org/tiny");

        var hub = ctx.Server.Requests.Where(r => r.Target.Contains("/resolve/")).ToList();
        var cdn = ctx.Server.Requests.Where(r => r.Target.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hub);
        Assert.NotEmpty(cdn);
        Assert.All(hub, r => Assert.Equal("Bearer hf_secret", r.Header("Authorization")));
        Assert.All(cdn, r => Assert.Null(r.Header("Authorization")));
    }

    [Fact]
    public void RevisionSuffix_IsUsedInUrlAndRefs()
    {
        var repo = ctx.AddTinyModel();
        repo.Revisions.Add("v1.0");

        string folder = ctx.Resolver().Resolve("org/tiny@v1.0");

        Assert.Equal("/org/tiny/resolve/v1.0/config.json", ctx.Server.Requests.First().Target);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(ctx.RepoFolder("org/tiny"), "refs", "v1.0")));
        Assert.False(File.Exists(Path.Combine(ctx.RepoFolder("org/tiny"), "refs", "main")));
        Assert.EndsWith(repo.Commit, folder);
    }

    [Fact]
    public void CommitRevision_WritesNoRef_AndIsServedFromCacheNextTime()
    {
        var repo = ctx.AddTinyModel();

        string folder = ctx.Resolver().Resolve("org/tiny@" + repo.Commit);
        ctx.Server.Requests.Clear();
        string again = ctx.Resolver().Resolve("org/tiny@" + repo.Commit);

        Assert.Equal(folder, again);
        Assert.Empty(ctx.Server.Requests);
        Assert.False(Directory.Exists(Path.Combine(ctx.RepoFolder("org/tiny"), "refs")));
    }

    [Fact]
    public void WithoutSymlinks_FilesAreCopied()
    {
        var repo = ctx.AddTinyModel();
        var resolver = ctx.Resolver();
        resolver.Cache.ForceCopy = true;

        string folder = resolver.Resolve("org/tiny");

        string weights = Path.Combine(folder, "model.safetensors");
        Assert.Null(new FileInfo(weights).LinkTarget);
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(weights));
    }
}
