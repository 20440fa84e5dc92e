using System.Diagnostics;
using System.Globalization;
using LocalRqa.Display;

namespace LocalRqa.Hub;

/// <summary>
/// Per-file download progress: the status line of a live console (see <see cref="LiveConsole"/>) while the file
/// comes, and one summary line per file when it is complete (the only line when the output is redirected).
/// </summary>
internal sealed class DownloadProgress
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);

    private readonly string fileName;
    private readonly TextWriter output;
    private readonly LiveConsole? live;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly long startOffset;
    private TimeSpan? lastDraw;

    /// <param name="fileName">Repo-relative file name shown to the user.</param>
    /// <param name="totalBytes">Full file size when known.</param>
    /// <param name="startOffset">Bytes already on disk from an earlier attempt (excluded from the speed).</param>
    /// <param name="output">Where the summary line goes: the run's log, or stderr.</param>
    /// <param name="live">The console to show the line on while the file comes; null to print only at completion.</param>
    public DownloadProgress(string fileName, long? totalBytes, long startOffset, TextWriter output, LiveConsole? live)
    {
        this.fileName = fileName;
        TotalBytes = totalBytes;
        this.startOffset = startOffset;
        this.output = output;
        this.live = live;
    }

    public long? TotalBytes { get; }

    public void Report(long bytesDone)
    {
        if (live is null || (lastDraw is { } last && clock.Elapsed - last < RedrawInterval)) return;
        lastDraw = clock.Elapsed;
        live.ShowStatus(Line(bytesDone));
    }

    public void Complete(long bytesDone)
    {
        live?.ClearStatus();
        output.WriteLine(Line(bytesDone));
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
