namespace LocalRqa.Tests.Hub;

public sealed class ModelResolverLocalTests : IDisposable
{
    private readonly HubTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    [Fact]
    public void ExistingLocalFolder_IsReturnedWithoutRequests()
    {
        string dir = Path.Combine(ctx.Root, "my-model");
        Directory.CreateDirectory(dir);

        Assert.Equal(dir, ctx.Resolver().Resolve(dir));
        Assert.Empty(ctx.Server.Requests);
    }

    [Theory]
    [InlineData("./no/such/model")]
    [InlineData("/no/such/model")]
    [InlineData("~/no-such-model-rqa")]
    [InlineData("models\\bert")]
    public void MissingPathLikeArgument_Throws(string path)
    {
        var e = Assert.Throws<RqaException>(() => ctx.Resolver().Resolve(path));

        Assert.Equal($"model folder not found: {path}", e.Message);
        Assert.Empty(ctx.Server.Requests);
    }

    [Theory]
    [InlineData("org/name/extra")]
    [InlineData("org//name")]
    [InlineData("org/na me")]
    [InlineData("org/-name")]
    [InlineData("org/na--me")]
    [InlineData("org/name@")]
    [InlineData("org/name@../x")]
    public void InvalidHubId_Throws(string id)
    {
        Assert.Throws<RqaException>(() => ctx.Resolver().Resolve(id));
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void BuiltInResolver_IsConsultedBeforeCacheAndNetwork()
    {
        ctx.AddTinyModel();
        ctx.Resolver().Resolve("org/tiny");
        ctx.Server.Requests.Clear();
        string builtIn = Path.Combine(ctx.Root, "builtin");
        Directory.CreateDirectory(builtIn);
        var asked = new List<string>();

        string folder = ctx.Resolver(builtIn: name => { asked.Add(name); return name == "org/tiny" ? builtIn : null; }).Resolve("org/tiny");

        Assert.Equal(builtIn, folder);
        Assert.Equal(["org/tiny"], asked);
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void BuiltInResolverReturningNull_FallsThroughToTheHub()
    {
        ctx.AddTinyModel();

        string folder = ctx.Resolver(builtIn: _ => null).Resolve("org/tiny");

        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
    }

    [Fact]
    public void Offline_WithCachedModel_MakesNoRequests()
    {
        ctx.AddTinyModel();
        string online = ctx.Resolver().Resolve("org/tiny");
        ctx.Server.Requests.Clear();

        string offline = ctx.Resolver(offline: true).Resolve("org/tiny");

        Assert.Equal(online, offline);
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void Offline_WithoutCache_FailsClearly()
    {
        ctx.AddTinyModel();

        var e = Assert.Throws<RqaException>(() => ctx.Resolver(offline: true).Resolve("org/tiny"));

        Assert.Contains("not in the Hugging Face cache", e.Message);
        Assert.Contains(ctx.RepoFolder("org/tiny"), e.Message);
        Assert.Contains("offline mode is on", e.Message);
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void CachedSnapshotWithoutWeights_IsCompletedOnline_AndUsedAsIsOffline()
    {
        var repo = ctx.AddTinyModel();
        string snapshot = Path.Combine(ctx.RepoFolder("org/tiny"), "snapshots", repo.Commit);
        Directory.CreateDirectory(snapshot);
        File.WriteAllBytes(Path.Combine(snapshot, "config.json"), repo.Files["config.json"]);
        Directory.CreateDirectory(Path.Combine(ctx.RepoFolder("org/tiny"), "refs"));
        File.WriteAllText(Path.Combine(ctx.RepoFolder("org/tiny"), "refs", "main"), repo.Commit);

        Assert.Equal(snapshot, ctx.Resolver(offline: true).Resolve("org/tiny"));
        Assert.Empty(ctx.Server.Requests);

        Assert.Equal(snapshot, ctx.Resolver().Resolve("org/tiny"));
        Assert.Equal(repo.Files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public void SnapshotWrittenByOtherTools_IsUsed()
    {
        // Layout as huggingface_hub leaves it: refs/main plus a snapshot with config.json.
        string commit = new('a', 40);
        string snapshot = Path.Combine(ctx.RepoFolder("org/py"), "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");
        Directory.CreateDirectory(Path.Combine(ctx.RepoFolder("org/py"), "refs"));
        File.WriteAllText(Path.Combine(ctx.RepoFolder("org/py"), "refs", "main"), commit + "\n");

        Assert.Equal(snapshot, ctx.Resolver(offline: true).Resolve("org/py"));
    }
}
