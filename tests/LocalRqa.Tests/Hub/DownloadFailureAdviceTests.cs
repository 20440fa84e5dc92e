using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

/// <summary>
/// A failed download says what to do without the hub (local folder, cache + HF_HUB_OFFLINE=1, built-in models), and
/// suggests running again only when a rerun has bytes to resume from.
/// </summary>
public sealed class DownloadFailureAdviceTests : IDisposable
{
    private readonly HubTestContext ctx = new();

    public void Dispose() => ctx.Dispose();

    HubSettings Settings(string? endpoint = null) =>
        (endpoint is null ? ctx.Settings() : ctx.Settings() with { Endpoint = endpoint }) with { MaxRetries = 1, BuiltInModels = ["org/built-in"] };

    static void AssertOfflineAdvice(string message, string cacheRoot)
    {
        Assert.Contains("pass a local model folder", message);
        Assert.Contains(cacheRoot, message);
        Assert.Contains("HF_HUB_OFFLINE=1", message);
        Assert.Contains("built-in model (org/built-in)", message);
    }

    [Fact]
    public void UnknownRepoGivesTheOfflineAdviceAndNoResume()
    {
        var e = Assert.Throws<RqaException>(() => new ModelResolver(Settings(), null, ctx.Log).Resolve("nobody/nothing"));

        Assert.Contains("nobody/nothing not found on the hub", e.Message);
        AssertOfflineAdvice(e.Message, ctx.CacheRoot);
        Assert.DoesNotContain("run again", e.Message);
    }

    [Fact]
    public void UnreachableHostGivesTheOfflineAdviceAndNoResume()
    {
        // A port nothing listens on: the connection is refused before any byte arrives.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var e = Assert.Throws<RqaException>(() => new ModelResolver(Settings($"http://127.0.0.1:{port}"), null, ctx.Log).Resolve("org/tiny"));

        Assert.Contains("cannot download config.json of org/tiny", e.Message);
        AssertOfflineAdvice(e.Message, ctx.CacheRoot);
        Assert.DoesNotContain("run again", e.Message);
    }

    [Fact]
    public void InterruptedTransferSuggestsRunningAgainToResume()
    {
        ctx.AddTinyModel();
        ctx.Server.CutTransfers("model.safetensors", times: 10);

        var e = Assert.Throws<RqaException>(() => new ModelResolver(Settings(), null, ctx.Log).Resolve("org/tiny"));

        Assert.Contains("model.safetensors of org/tiny was interrupted", e.Message);
        Assert.Contains("run again to resume", e.Message);
        AssertOfflineAdvice(e.Message, ctx.CacheRoot);
    }
}
