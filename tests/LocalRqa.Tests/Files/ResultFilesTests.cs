using LocalRqa.Files;

namespace LocalRqa.Tests.Files;

/// <summary>A run's result files appear together when committed, and not at all when the run fails first.</summary>
public sealed class ResultFilesTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-results-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    string[] Entries() => Directory.GetFileSystemEntries(work, "*", SearchOption.AllDirectories).Select(e => Path.GetRelativePath(work, e)).Order().ToArray();

    [Fact]
    public void OnlyTheStagingFoldersOfDeadRunsAreRemoved()
    {
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        var dead = Path.Combine(work, $"{ResultFiles.StagingPrefix}{exited.Id}-0");
        var live = Path.Combine(work, $"{ResultFiles.StagingPrefix}{Environment.ProcessId}-0");
        var unrelated = Path.Combine(work, ".rqa-staging-notapid");
        foreach (var folder in new[] { dead, live, unrelated }) Directory.CreateDirectory(folder);

        ResultFiles.RemoveOrphaned(work);

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(unrelated));
    }

    [Fact]
    public void NothingAppearsBeforeTheCommitAndEverythingAfter()
    {
        var score = Path.Combine(work, "score.json");
        var predictions = Path.Combine(work, "other", "predictions.jsonl");
        using (var results = new ResultFiles())
        {
            AtomicFile.WriteAllText(results.Stage(score), "{}");
            AtomicFile.WriteAllText(results.Stage(predictions), "[]");
            var model = results.StagingFolder(work);
            Directory.CreateDirectory(Path.Combine(model, "1_Pooling"));
            File.WriteAllText(Path.Combine(model, "1_Pooling", "config.json"), "{}");
            Assert.False(File.Exists(score));
            Assert.False(File.Exists(predictions));
            results.Commit();
        }
        Assert.Equal("{}", File.ReadAllText(score));
        Assert.Equal("[]", File.ReadAllText(predictions));
        Assert.Equal(["1_Pooling", Path.Combine("1_Pooling", "config.json"), "other", Path.Combine("other", "predictions.jsonl"), "score.json"], Entries());
    }

    [Fact]
    public void AFailureBeforeTheCommitLeavesTheEarlierResultsAndNoStagingFolder()
    {
        var score = Path.Combine(work, "score.json");
        var predictions = Path.Combine(work, "predictions.jsonl");
        File.WriteAllText(score, "earlier");
        File.WriteAllText(predictions, "earlier");
        Assert.Throws<RqaException>(() =>
        {
            using var results = new ResultFiles();
            AtomicFile.WriteAllText(results.Stage(score), "new");
            AtomicFile.Write(results.Stage(predictions), stream =>
            {
                stream.WriteByte((byte)'[');
                throw new IOException("No space left on device");
            });
            results.Commit();
        });
        Assert.Equal("earlier", File.ReadAllText(score));
        Assert.Equal("earlier", File.ReadAllText(predictions));
        Assert.Equal(["predictions.jsonl", "score.json"], Entries());
    }

    [Fact]
    public void ASymlinkedResultReplacesItsTargetAndADeviceIsNotStaged()
    {
        var target = Path.Combine(work, "real.json");
        File.WriteAllText(target, "old");
        var link = Path.Combine(work, "score.json");
        File.CreateSymbolicLink(link, target);
        using var results = new ResultFiles();
        AtomicFile.WriteAllText(results.Stage(link), "new");
        var device = SpecialFiles.NullDevice(work);
        Assert.Equal(device, results.Stage(device));
        results.Commit();
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        Assert.Equal("new", File.ReadAllText(target));
    }
}
