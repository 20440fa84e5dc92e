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

    private readonly string _fileName;
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _startOffset;
    private TimeSpan? _lastDraw;

    /// <param name="fileName">Repo-relative file name shown to the user.</param>
    /// <param name="totalBytes">Full file size when known.</param>
    /// <param name="startOffset">Bytes already on disk from an earlier attempt (excluded from the speed).</param>
    /// <param name="output">Usually stderr.</param>
    /// <param name="interactive">True to redraw one line in place; false to print only at completion.</param>
    public DownloadProgress(string fileName, long? totalBytes, long startOffset, TextWriter output, bool interactive)
    {
        _fileName = fileName;
        TotalBytes = totalBytes;
        _startOffset = startOffset;
        _output = output;
        _interactive = interactive;
    }

    public long? TotalBytes { get; }

    /// <summary>True for stderr attached to a terminal.</summary>
    public static bool StderrIsInteractive => !Console.IsErrorRedirected;

    public void Report(long bytesDone)
    {
        if (!_interactive || (_lastDraw is { } last && _clock.Elapsed - last < RedrawInterval)) return;
        _lastDraw = _clock.Elapsed;
        _output.Write("\r" + Line(bytesDone) + "   ");
        _output.Flush();
    }

    public void Complete(long bytesDone)
    {
        _output.Write((_interactive ? "\r" : "") + Line(bytesDone) + (_interactive ? "   " : "") + Environment.NewLine);
        _output.Flush();
    }

    private string Line(long bytesDone)
    {
        double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        double mbPerSecond = (bytesDone - _startOffset) / seconds / 1e6;
        string total = TotalBytes is { } t ? FormatBytes(t) : "?";
        string resumed = _startOffset > 0 ? $" (resumed at {FormatBytes(_startOffset)})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{_fileName}  {FormatBytes(bytesDone)}/{total}  {mbPerSecond:0.0} MB/s{resumed}");
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
    };
}
