using System.Text;
using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

/// <summary>Per-test fake hub, temporary cache folder and helpers.</summary>
public sealed class HubTestContext : IDisposable
{
    public HubTestContext()
    {
        Root = Path.Combine(Path.GetTempPath(), "rqa-hub-" + Guid.NewGuid().ToString("N"));
        CacheRoot = Path.Combine(Root, "cache");
        Directory.CreateDirectory(CacheRoot);
    }

    public FakeHub Server { get; } = new();
    public string Root { get; }
    public string CacheRoot { get; }
    public StringWriter Log { get; } = new();

    internal HubSettings Settings(string? token = null, bool offline = false) =>
        new(Server.Endpoint, token, CacheRoot, offline) { RetryDelay = TimeSpan.Zero, ReadTimeout = TimeSpan.FromSeconds(10) };

    internal ModelResolver Resolver(string? token = null, bool offline = false, Func<string, string?>? builtIn = null) =>
        new(Settings(token, offline), builtIn, Log);

    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A repo with config, tokenizer, a pooling config and LFS-served model.safetensors.</summary>
    public FakeHubRepo AddTinyModel(string id = "org/tiny", int weightBytes = 300_000)
    {
        var repo = Server.AddRepo(id);
        repo.Files["config.json"] = Text("{\"model_type\":\"bert\",\"hidden_size\":8}");
        repo.Files["tokenizer.json"] = Text("{\"version\":\"1.0\"}");
        repo.Files["vocab.txt"] = Text("[PAD]\n[UNK]\nhello\n");
        repo.Files["1_Pooling/config.json"] = Text("{\"pooling_mode_mean_tokens\":true}");
        repo.Files["model.safetensors"] = Bytes(weightBytes, 1);
        repo.Lfs.Add("model.safetensors");
        return repo;
    }

    public string RepoFolder(string id) => Path.Combine(CacheRoot, "models--" + id.Replace("/", "--"));

    public void Dispose()
    {
        Server.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
