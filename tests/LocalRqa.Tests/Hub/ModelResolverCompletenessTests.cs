using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class ModelResolverCompletenessTests : IDisposable
{
    private readonly HubTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    /// <summary>Lays out what a Python tool fetching only transformers files leaves: refs/main and plain files.</summary>
    private string WriteSnapshot(FakeHubRepo repo, params string[] files)
    {
        string repoDir = ctx.RepoFolder(repo.Id);
        string snapshot = Path.Combine(repoDir, "snapshots", repo.Commit);
        foreach (string file in files)
        {
            string path = Path.Combine(snapshot, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, repo.Files[file]);
        }
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        File.WriteAllText(Path.Combine(repoDir, "refs", "main"), repo.Commit);
        return snapshot;
    }

    private string NoExist(FakeHubRepo repo, string file) =>
        Path.Combine(ctx.RepoFolder(repo.Id), ".no_exist", repo.Commit, file);

    [Fact]
    public void SnapshotWithConfigAndWeights_ButNoNoExistEntries_IsCompletedWithRequestsOnlyForUndecidedFiles()
    {
        var repo = ctx.AddTinyModel();
        string snapshot = WriteSnapshot(repo, "config.json", "model.safetensors", "tokenizer.json");

        string folder = ctx.Resolver().Resolve("org/tiny");

        Assert.Equal(snapshot, folder);
        var expected = HubModelFiles.Optional.Where(f => f != "tokenizer.json")
            .Select(f => $"/org/tiny/resolve/{repo.Commit}/{f}").Order(StringComparer.Ordinal);
        Assert.Equal(expected, ctx.Server.Requests.Select(r => r.Target).Order(StringComparer.Ordinal));
        // The pooling config that decides the embedding is now there; the rest is recorded as absent.
        Assert.Equal(repo.Files["1_Pooling/config.json"], File.ReadAllBytes(Path.Combine(folder, "1_Pooling", "config.json")));
        Assert.Equal(repo.Files["vocab.txt"], File.ReadAllBytes(Path.Combine(folder, "vocab.txt")));
        Assert.True(File.Exists(NoExist(repo, "modules.json")));
        Assert.False(File.Exists(NoExist(repo, "vocab.txt")));

        ctx.Server.Requests.Clear();
        Assert.Equal(snapshot, ctx.Resolver().Resolve("org/tiny"));
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void OptionalFilesThat404_AreRecordedUnderNoExist_AndASecondResolveMakesNoRequests()
    {
        var repo = ctx.AddTinyModel();

        string folder = ctx.Resolver().Resolve("org/tiny");

        foreach (string file in HubModelFiles.Optional)
        {
            bool served = repo.Files.ContainsKey(file);
            Assert.Equal(served, File.Exists(Path.Combine(folder, file)));
            Assert.Equal(!served, File.Exists(NoExist(repo, file)));
        }
        Assert.Equal(0, new FileInfo(NoExist(repo, "modules.json")).Length);
        Assert.True(File.Exists(NoExist(repo, "added_tokens.json")));

        ctx.Server.Requests.Clear();
        Assert.Equal(folder, ctx.Resolver().Resolve("org/tiny"));
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void NoExistEntriesLeftByOtherTools_AreHonoured()
    {
        var repo = ctx.AddTinyModel();
        string snapshot = WriteSnapshot(repo, "config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "1_Pooling/config.json");
        foreach (string file in HubModelFiles.Optional.Where(f => !repo.Files.ContainsKey(f)))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(NoExist(repo, file))!);
            File.WriteAllBytes(NoExist(repo, file), []);
        }

        Assert.Equal(snapshot, ctx.Resolver().Resolve("org/tiny"));
        Assert.Empty(ctx.Server.Requests);
    }

    [Fact]
    public void NoExistEntryOfAnotherCommit_DoesNotCount()
    {
        var repo = ctx.AddTinyModel();
        WriteSnapshot(repo, "config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "1_Pooling/config.json");
        foreach (string file in HubModelFiles.Optional.Where(f => !repo.Files.ContainsKey(f)))
        {
            string other = Path.Combine(ctx.RepoFolder(repo.Id), ".no_exist", new string('b', 40), file);
            Directory.CreateDirectory(Path.GetDirectoryName(other)!);
            File.WriteAllBytes(other, []);
        }

        ctx.Resolver().Resolve("org/tiny");

        Assert.Contains(ctx.Server.Requests, r => r.Target == $"/org/tiny/resolve/{repo.Commit}/modules.json");
    }

    [Fact]
    public void Offline_IncompleteSnapshot_IsUsedAsIs()
    {
        var repo = ctx.AddTinyModel();
        string snapshot = WriteSnapshot(repo, "config.json", "model.safetensors");

        Assert.Equal(snapshot, ctx.Resolver(offline: true).Resolve("org/tiny"));

        Assert.Empty(ctx.Server.Requests);
        Assert.False(Directory.Exists(Path.Combine(ctx.RepoFolder("org/tiny"), ".no_exist")));
    }

    [Fact]
    public void WeightCandidatesThat404_AreRecordedToo()
    {
        var repo = ctx.Server.AddRepo("bare");
        repo.Files["config.json"] = HubTestContext.Text("{}");
        repo.Files["pytorch_model.bin"] = HubTestContext.Bytes(5_000, 4);

        ctx.Resolver().Resolve("bare");

        Assert.True(File.Exists(NoExist(repo, "model.safetensors")));
        Assert.True(File.Exists(NoExist(repo, "model.safetensors.index.json")));
        Assert.False(File.Exists(NoExist(repo, "pytorch_model.bin")));
    }

    [Fact]
    public void ModelFileLists_AreReadOnly()
    {
        Assert.True(((ICollection<string>)HubModelFiles.Optional).IsReadOnly);
        Assert.True(((ICollection<WeightFormat>)HubModelFiles.Weights).IsReadOnly);
        Assert.Contains("added_tokens.json", HubModelFiles.Optional);
    }
}
