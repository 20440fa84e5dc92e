using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class ModelResolverDownloadTests : IDisposable
{
    private readonly HubTestContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public void FullDownload_CreatesHubCacheLayoutWithRelativeSymlinks()
    {
        var repo = _ctx.AddTinyModel();

        string folder = _ctx.Resolver().Resolve("org/tiny");

        string repoDir = _ctx.RepoFolder("org/tiny");
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
        Assert.Contains("model.safetensors", _ctx.Log.ToString());
    }

    [Fact]
    public void SecondResolve_UsesCacheWithoutRequests()
    {
        _ctx.AddTinyModel();
        string first = _ctx.Resolver().Resolve("org/tiny");
        _ctx.Server.Requests.Clear();

        string second = _ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(first, second);
        Assert.Empty(_ctx.Server.Requests);
    }

    [Fact]
    public void LaterFilesAreRequestedAtTheCommitOfConfig()
    {
        var repo = _ctx.AddTinyModel();
        _ctx.Resolver().Resolve("org/tiny");

        var targets = _ctx.Server.Requests.Select(r => r.Target).Where(t => t.Contains("/resolve/")).ToList();
        Assert.Equal("/org/tiny/resolve/main/config.json", targets[0]);
        Assert.All(targets.Skip(1), t => Assert.StartsWith($"/org/tiny/resolve/{repo.Commit}/", t));
    }

    [Fact]
    public void ShardedSafetensors_DownloadsIndexAndEveryShard()
    {
        var repo = _ctx.Server.AddRepo("org/big");
        repo.Files["config.json"] = HubTestContext.Text("{}");
        repo.Files["model.safetensors.index.json"] = HubTestContext.Text(
            "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00001-of-00002.safetensors\"}}");
        repo.Files["model-00001-of-00002.safetensors"] = HubTestContext.Bytes(70_000, 2);
        repo.Files["model-00002-of-00002.safetensors"] = HubTestContext.Bytes(90_000, 3);
        repo.Lfs.Add("model-00001-of-00002.safetensors");
        repo.Lfs.Add("model-00002-of-00002.safetensors");

        string folder = _ctx.Resolver().Resolve("org/big");

        foreach (var (name, data) in repo.Files) Assert.Equal(data, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.False(File.Exists(Path.Combine(folder, "pytorch_model.bin")));
    }

    [Fact]
    public void MissingOptionalFiles_AreFine_AndPytorchBinIsTheFallback()
    {
        var repo = _ctx.Server.AddRepo("bare");
        repo.Files["config.json"] = HubTestContext.Text("{}");
        repo.Files["pytorch_model.bin"] = HubTestContext.Bytes(5_000, 4);

        string folder = _ctx.Resolver().Resolve("bare");

        Assert.Equal(new[] { "config.json", "pytorch_model.bin" },
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(_ctx.Server.Requests, r => r.Target.EndsWith("/tokenizer.json", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(_ctx.CacheRoot, "models--bare", "snapshots")));
    }

    [Fact]
    public void UnknownRepo_ThrowsClearNotFoundMessage()
    {
        var e = Assert.Throws<RqaException>(() => _ctx.Resolver().Resolve("nobody/nothing"));

        Assert.Contains("nobody/nothing not found on the hub", e.Message);
        Assert.Contains("HTTP 404 for config.json", e.Message);
        Assert.Contains(_ctx.Server.Endpoint + "/nobody/nothing/resolve/main/config.json", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_ctx.RepoFolder("nobody/nothing"), "snapshots")));
    }

    [Fact]
    public void RepoWithoutWeights_Throws_AndLeavesNoUsableSnapshot()
    {
        var repo = _ctx.Server.AddRepo("org/noweights");
        repo.Files["config.json"] = HubTestContext.Text("{}");

        var e = Assert.Throws<RqaException>(() => _ctx.Resolver().Resolve("org/noweights"));

        Assert.Contains("no weights", e.Message);
        Assert.Null(_ctx.Resolver().Cache.TryGetSnapshot(HubRepoId.Parse("org/noweights")));
    }

    [Fact]
    public void Gated_401_MentionsHfToken()
    {
        _ctx.AddTinyModel("org/gated").ForcedStatus = 401;

        var e = Assert.Throws<RqaException>(() => _ctx.Resolver().Resolve("org/gated"));

        Assert.Contains("HF_TOKEN", e.Message);
        Assert.Contains("401", e.Message);
    }

    [Fact]
    public void Token_IsSentAsBearerToTheHub_ButNotToTheCdnHost()
    {
        _ctx.AddTinyModel();

        _ctx.Resolver(token: "hf_secret").Resolve("org/tiny");

        var hub = _ctx.Server.Requests.Where(r => r.Target.Contains("/resolve/")).ToList();
        var cdn = _ctx.Server.Requests.Where(r => r.Target.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hub);
        Assert.NotEmpty(cdn);
        Assert.All(hub, r => Assert.Equal("Bearer hf_secret", r.Header("Authorization")));
        Assert.All(cdn, r => Assert.Null(r.Header("Authorization")));
    }

    [Fact]
    public void RevisionSuffix_IsUsedInUrlAndRefs()
    {
        var repo = _ctx.AddTinyModel();
        repo.Revisions.Add("v1.0");

        string folder = _ctx.Resolver().Resolve("org/tiny@v1.0");

        Assert.Equal("/org/tiny/resolve/v1.0/config.json", _ctx.Server.Requests.First().Target);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(_ctx.RepoFolder("org/tiny"), "refs", "v1.0")));
        Assert.False(File.Exists(Path.Combine(_ctx.RepoFolder("org/tiny"), "refs", "main")));
        Assert.EndsWith(repo.Commit, folder);
    }

    [Fact]
    public void CommitRevision_WritesNoRef_AndIsServedFromCacheNextTime()
    {
        var repo = _ctx.AddTinyModel();

        string folder = _ctx.Resolver().Resolve("org/tiny@" + repo.Commit);
        _ctx.Server.Requests.Clear();
        string again = _ctx.Resolver().Resolve("org/tiny@" + repo.Commit);

        Assert.Equal(folder, again);
        Assert.Empty(_ctx.Server.Requests);
        Assert.False(Directory.Exists(Path.Combine(_ctx.RepoFolder("org/tiny"), "refs")));
    }

    [Fact]
    public void WithoutSymlinks_FilesAreCopied()
    {
        var repo = _ctx.AddTinyModel();
        var resolver = _ctx.Resolver();
        resolver.Cache.ForceCopy = true;

        string folder = resolver.Resolve("org/tiny");

        string weights = Path.Combine(folder, "model.safetensors");
        Assert.Null(new FileInfo(weights).LinkTarget);
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(weights));
    }
}
