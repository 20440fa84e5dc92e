using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class HubSettingsTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "rqa-home-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
    }

    private HubSettings From(params (string Name, string Value)[] vars)
    {
        var env = vars.ToDictionary(v => v.Name, v => v.Value);
        env.TryAdd("HOME", home);
        return HubSettings.FromEnvironment(name => env.GetValueOrDefault(name));
    }

    [Fact]
    public void Defaults_FollowHuggingfaceHub()
    {
        var s = From();

        Assert.Equal("https://huggingface.co", s.Endpoint);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), s.CacheRoot);
        Assert.Null(s.Token);
        Assert.False(s.Offline);
    }

    [Fact]
    public void CacheRoot_Precedence_HubCache_ThenHfHome_ThenXdg()
    {
        Assert.Equal("/x/huggingface/hub", From(("XDG_CACHE_HOME", "/x")).CacheRoot);
        Assert.Equal("/h/hub", From(("XDG_CACHE_HOME", "/x"), ("HF_HOME", "/h")).CacheRoot);
        Assert.Equal("/c", From(("XDG_CACHE_HOME", "/x"), ("HF_HOME", "/h"), ("HF_HUB_CACHE", "/c")).CacheRoot);
        Assert.Equal(Path.Combine(home, "hfc"), From(("HF_HUB_CACHE", "~/hfc")).CacheRoot);
    }

    [Fact]
    public void Token_FromEnv_ElseTokenFileUnderHfHome()
    {
        string hfHome = Path.Combine(home, "hf");
        Directory.CreateDirectory(hfHome);
        File.WriteAllText(Path.Combine(hfHome, "token"), "hf_file\n");

        Assert.Equal("hf_file", From(("HF_HOME", hfHome)).Token);
        Assert.Equal("hf_env", From(("HF_HOME", hfHome), ("HF_TOKEN", "hf_env")).Token);
        Assert.Null(From(("HF_HOME", Path.Combine(home, "none"))).Token);
    }

    [Fact]
    public void Token_FileAtDefaultHfHome_IsRead()
    {
        string hfHome = Path.Combine(home, ".cache", "huggingface");
        Directory.CreateDirectory(hfHome);
        File.WriteAllText(Path.Combine(hfHome, "token"), "hf_default");

        Assert.Equal("hf_default", From().Token);
    }

    [Theory]
    [InlineData("HF_HUB_OFFLINE", "1", true)]
    [InlineData("HF_HUB_OFFLINE", "true", true)]
    [InlineData("HF_HUB_OFFLINE", "YES", true)]
    [InlineData("HF_HUB_OFFLINE", "0", false)]
    [InlineData("TRANSFORMERS_OFFLINE", "1", true)]
    [InlineData("TRANSFORMERS_OFFLINE", "", false)]
    public void Offline_FromEitherVariable(string name, string value, bool expected) =>
        Assert.Equal(expected, From((name, value)).Offline);

    [Fact]
    public void Endpoint_FromEnv_WithoutTrailingSlash() =>
        Assert.Equal("http://mirror.local:8080", From(("HF_ENDPOINT", "http://mirror.local:8080/")).Endpoint);

    [Fact]
    public void ToString_DoesNotLeakTheToken() =>
        Assert.DoesNotContain("hf_secret", From(("HF_TOKEN", "hf_secret")).ToString());
}
