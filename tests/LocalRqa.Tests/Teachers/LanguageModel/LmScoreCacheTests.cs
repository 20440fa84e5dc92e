using LocalRqa.Teachers.LanguageModel;

namespace LocalRqa.Tests.Teachers.LanguageModel;

public sealed class LmScoreCacheTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-lmcache-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string CachePath => Path.Combine(dir, "sub", "lm_scores.jsonl");

    [Fact]
    public void ScoresSurviveReopeningExactly()
    {
        using (var cache = LmScoreCache.Open(CachePath))
            cache.AddRange([("a", -1.25f), ("b", -0.1f), ("c", float.MinValue)]);
        using var reopened = LmScoreCache.Open(CachePath);
        Assert.Equal(3, reopened.Count);
        Assert.True(reopened.TryGet("b", out var b));
        Assert.Equal(-0.1f, b); // written with round-trip precision
        Assert.True(reopened.TryGet("c", out var c));
        Assert.Equal(float.MinValue, c);
    }

    [Fact]
    public void ATornLastLineIsCutWithAWarningAndAppendingGoesOn()
    {
        using (var cache = LmScoreCache.Open(CachePath))
            cache.AddRange([("a", -1f), ("b", -2f)]);
        File.AppendAllText(CachePath, "{\"key\":\"c\",\"sco"); // the process died mid-line

        var log = new StringWriter();
        using (var cache = LmScoreCache.Open(CachePath, log))
        {
            Assert.Contains("torn last line", log.ToString());
            Assert.Equal(2, cache.Count);
            cache.Add("d", -4f);
        }
        using (var again = LmScoreCache.Open(CachePath, log))
        {
            Assert.Equal(3, again.Count);
            Assert.True(again.TryGet("d", out var d));
            Assert.Equal(-4f, d);
        }
        Assert.All(File.ReadAllLines(CachePath), line => Assert.EndsWith("}", line));
    }

    [Fact]
    public void ATornHeaderStartsTheCacheAfresh()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        File.WriteAllText(CachePath, "{\"rqa_lm_sc"); // killed while the very first line was written
        var log = new StringWriter();
        using (var cache = LmScoreCache.Open(CachePath, log))
        {
            Assert.Contains("torn last line", log.ToString());
            Assert.Equal(0, cache.Count);
            cache.Add("a", -1f);
        }
        using var again = LmScoreCache.Open(CachePath);
        Assert.True(again.TryGet("a", out var a));
        Assert.Equal(-1f, a);
    }

    [Fact]
    public void AnUnreadableLineInsideIsSkippedWithAWarning()
    {
        using (var cache = LmScoreCache.Open(CachePath)) cache.Add("a", -1f);
        File.AppendAllText(CachePath, "garbage\n{\"key\":\"b\",\"score\":-2}\n");
        var log = new StringWriter();
        using var reopened = LmScoreCache.Open(CachePath, log);
        Assert.Equal(2, reopened.Count);
        Assert.Contains(":3: unreadable", log.ToString());
    }

    [Fact]
    public void AFileThatIsNotACacheIsRefusedUntouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        File.WriteAllText(CachePath, "{\"question\": \"not a cache\"}\n");
        var error = Assert.Throws<RqaException>(() => LmScoreCache.Open(CachePath));
        Assert.Contains("not an rqa LM score cache", error.Message);
        Assert.Equal("{\"question\": \"not a cache\"}\n", File.ReadAllText(CachePath));
    }

    [Fact]
    public void NonFiniteScoresAreNotStored()
    {
        using (var cache = LmScoreCache.Open(CachePath))
        {
            cache.AddRange([("nan", float.NaN), ("inf", float.NegativeInfinity)]);
            Assert.Equal(0, cache.Count);
        }
        Assert.Single(File.ReadAllLines(CachePath)); // the header only
    }

    [Fact]
    public void ThreadsOfOneProcessCanAddAtOnce()
    {
        using (var cache = LmScoreCache.Open(CachePath))
            Parallel.For(0, 8, t => cache.AddRange(Enumerable.Range(0, 50).Select(i => ($"{t}-{i}", -(float)i))));
        using var reopened = LmScoreCache.Open(CachePath);
        Assert.Equal(400, reopened.Count);
    }

    [Fact]
    public void ASecondWriterOfTheSameFileIsRefused()
    {
        using var first = LmScoreCache.Open(CachePath);
        var error = Assert.Throws<RqaException>(() => LmScoreCache.Open(CachePath));
        Assert.Contains("another rqa process", error.Message);
    }
}
