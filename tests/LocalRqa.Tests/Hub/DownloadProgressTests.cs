using LocalRqa.Display;
using LocalRqa.Hub;
using LocalRqa.Tests.Display;

namespace LocalRqa.Tests.Hub;

public sealed class DownloadProgressTests
{
    [Fact]
    public void Redirected_PrintsOneLinePerFileAtCompletion()
    {
        var output = new StringWriter();
        var progress = new DownloadProgress("model.safetensors", 2_500_000, 0, output, live: null);

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
    public void Live_ShowsTheStatusLineThenTheSummaryLine()
    {
        var raw = new StringWriter();
        var console = new LiveConsole(raw, live: true, color: false, () => 80);
        var progress = new DownloadProgress("a.bin", null, 500, console, console);

        progress.Report(1_000);
        Assert.Matches(@"^a\.bin  1\.0 kB/\?  \S+ MB/s \(resumed at 500 B\)$", TerminalScreen.Replay(raw.ToString(), 80).Lines.Single());
        progress.Complete(2_000);

        var shown = TerminalScreen.Replay(raw.ToString(), 80).Lines.Single();
        Assert.StartsWith("a.bin  2.0 kB/?  ", shown);
        Assert.EndsWith("(resumed at 500 B)", shown);
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("W/\"abc\"", "abc")]
    [InlineData("abc", "abc")]
    public void Etags_AreUnquoted(string raw, string clean) => Assert.Equal(clean, HubClient.CleanEtag(raw));
}
