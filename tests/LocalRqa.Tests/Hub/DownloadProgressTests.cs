using LocalRqa.Hub;

namespace LocalRqa.Tests.Hub;

public sealed class DownloadProgressTests
{
    [Fact]
    public void Redirected_PrintsOneLinePerFileAtCompletion()
    {
        var output = new StringWriter();
        var progress = new DownloadProgress("model.safetensors", 2_500_000, 0, output, interactive: false);

        progress.Report(1_000_000);
        Assert.Equal("", output.ToString());
        progress.Complete(2_500_000);

        string line = output.ToString();
        Assert.StartsWith("model.safetensors  2.5 MB/2.5 MB  ", line);
        Assert.Contains("MB/s", line);
        Assert.EndsWith(Environment.NewLine, line);
        Assert.DoesNotContain("\r", line);
    }

    [Fact]
    public void Interactive_RedrawsInPlace()
    {
        var output = new StringWriter();
        var progress = new DownloadProgress("a.bin", null, 500, output, interactive: true);

        progress.Report(1_000);
        progress.Complete(2_000);

        Assert.StartsWith("\ra.bin  1.0 kB/?", output.ToString());
        Assert.Contains("resumed at 500 B", output.ToString());
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("W/\"abc\"", "abc")]
    [InlineData("abc", "abc")]
    public void Etags_AreUnquoted(string raw, string clean) => Assert.Equal(clean, HubClient.CleanEtag(raw));
}
