using System.Diagnostics;
using System.Globalization;

namespace LocalRqa.Hub;

/// <summary>
/// Per-file download progress: a self-overwriting line on a terminal, or one summary line per file when
/// the output is redirected (logs should not fill up with carriage returns).
/// </summary>
public sealed class DownloadProgress
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);

    private readonly string fileName;
    private readonly TextWriter output;
    private readonly bool interactive;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly long startOffset;
    private TimeSpan? lastDraw;

    /// <param name="fileName">Repo-relative file name shown to the user.</param>
    /// <param name="totalBytes">Full file size when known.</param>
    /// <param name="startOffset">Bytes already on disk from an earlier attempt (excluded from the speed).</param>
    /// <param name="output">Usually stderr.</param>
    /// <param name="interactive">True to redraw one line in place; false to print only at completion.</param>
    public DownloadProgress(string fileName, long? totalBytes, long startOffset, TextWriter output, bool interactive)
    {
        this.fileName = fileName;
        TotalBytes = totalBytes;
        this.startOffset = startOffset;
        this.output = output;
        this.interactive = interactive;
    }

    public long? TotalBytes { get; }

    /// <summary>True for stderr attached to a terminal.</summary>
    public static bool StderrIsInteractive => !Console.IsErrorRedirected;

    public void Report(long bytesDone)
    {
        if (!interactive || (lastDraw is { } last && clock.Elapsed - last < RedrawInterval)) return;
        lastDraw = clock.Elapsed;
        output.Write("\r" + Line(bytesDone) + "   ");
        output.Flush();
    }

    public void Complete(long bytesDone)
    {
        output.Write((interactive ? "\r" : "") + Line(bytesDone) + (interactive ? "   " : "") + Environment.NewLine);
        output.Flush();
    }

    private string Line(long bytesDone)
    {
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        double mbPerSecond = (bytesDone - startOffset) / seconds / 1e6;
        string total = TotalBytes is { } t ? FormatBytes(t) : "?";
        string resumed = startOffset > 0 ? $" (resumed at {FormatBytes(startOffset)})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{fileName}  {FormatBytes(bytesDone)}/{total}  {mbPerSecond:0.0} MB/s{resumed}");
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };
}
