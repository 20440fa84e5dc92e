namespace LocalRqa.Training.Reports;

/// <summary>
/// Writes a TensorBoard event file (what <c>--report_to tensorboard</c> produces under <c>logging_dir</c>, like
/// Hugging Face's TensorBoardCallback): <c>events.out.tfevents.{unix_time}.{hostname}</c>, a sequence of
/// TFRecord-framed <c>tensorflow.Event</c> protobuf messages. The first event carries the file version
/// (<c>brain.Event:2</c>); each <see cref="AddScalar"/> appends a summary event with one simple value. Every
/// event is flushed as it is written, so whatever was logged before a crash is kept and can be read while
/// training runs. Safe to call from several threads.
/// </summary>
internal sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The file version TensorBoard expects in the first event.</summary>
    public const string FileVersion = "brain.Event:2";

    // tensorflow/core/util/event.proto: message Event
    const int EventWallTime = 1;   // double wall_time
    const int EventStep = 2;       // int64 step
    const int EventFileVersion = 3; // string file_version (oneof what)
    const int EventSummary = 5;    // Summary summary (oneof what)

    // tensorflow/core/framework/summary.proto: message Summary { repeated Value value = 1; }
    const int SummaryValue = 1;
    const int ValueTag = 1;         // string tag
    const int ValueSimpleValue = 2; // float simple_value (oneof value)

    readonly TimeProvider time;
    readonly object gate = new();
    FileStream? stream;

    /// <summary>Creates <paramref name="logDir"/> if needed and a new event file in it, starting with the file-version event.</summary>
    /// <param name="logDir">Folder of the event file (TensorBoard's <c>--logdir</c> or a run folder under it).</param>
    /// <param name="timeProvider">Clock for the file name and the events' wall times; the system clock by default.</param>
    public TensorBoardWriter(string logDir, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(logDir);
        var now = time.GetUtcNow();
        var baseName = $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{HostName()}";
        (stream, FilePath) = CreateNew(logDir, baseName);
        try
        {
            WriteEvent(new TensorBoardProtoWriter()
                .Double(EventWallTime, WallTime(now))
                .String(EventFileVersion, FileVersion)
                .ToArray());
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Full path of the event file being written.</summary>
    public string FilePath { get; }

    /// <summary>Appends one scalar (stored as a 32-bit float, as TensorBoard does) for <paramref name="tag"/> at <paramref name="step"/>.</summary>
    /// <param name="tag">Chart name, e.g. <c>train/loss</c> or <c>eval/recall@4</c>.</param>
    public void AddScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var summaryValue = new TensorBoardProtoWriter()
            .String(ValueTag, tag)
            .Float(ValueSimpleValue, (float)value) // in a oneof: written even when 0
            .ToArray();
        var summary = new TensorBoardProtoWriter().Bytes(SummaryValue, summaryValue).ToArray();
        var evt = new TensorBoardProtoWriter().Double(EventWallTime, WallTime(time.GetUtcNow()));
        if (step != 0) // proto3 default, left out like protobuf's own serializers do
            evt.Int64(EventStep, step);
        WriteEvent(evt.Bytes(EventSummary, summary).ToArray());
    }

    /// <summary>Closes the event file; later <see cref="AddScalar"/> calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stream?.Dispose();
            stream = null;
        }
    }

    void WriteEvent(byte[] evt)
    {
        var record = TensorBoardRecord.Frame(evt);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stream is null, this);
            stream.Write(record);
            stream.Flush();
        }
    }

    static double WallTime(DateTimeOffset now) => (now - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    static (FileStream Stream, string Path) CreateNew(string logDir, string baseName)
    {
        // Two writers started in the same second on the same host would pick the same name: never append to
        // or overwrite another writer's file, take the next free suffix instead (TensorBoard reads any *tfevents* file).
        for (var attempt = 0; ; attempt++)
        {
            var path = Path.Combine(logDir, attempt == 0 ? baseName : $"{baseName}.{attempt}");
            try
            {
                return (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), path);
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
            }
        }
    }

    static string HostName()
    {
        string name;
        try
        {
            name = System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            name = Environment.MachineName;
        }
        if (string.IsNullOrWhiteSpace(name))
            name = "localhost";
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(name.Select(c => Array.IndexOf(invalid, c) >= 0 ? '_' : c));
    }
}
