using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// LM scores by <see cref="LmScoreKey.Digest"/>, shared by the steps, epochs and runs that use the same file.
/// The file is append-only JSON Lines: a header line, then one <c>{"key": "…", "score": …}</c> per score, each
/// written whole and flushed, so a crash loses at most the line being written. On opening, a torn last line
/// (no newline at its end) is cut off with a warning; other unreadable lines are skipped with a warning. One
/// process at a time: the file is opened without sharing (another rqa process opening it fails), and every
/// method locks, so threads of one process may share the cache.
/// </summary>
internal sealed class LmScoreCache : IDisposable
{
    const string HeaderField = "rqa_lm_score_cache";
    const int FormatVersion = 1;

    readonly Dictionary<string, float> scores = new(StringComparer.Ordinal);
    readonly object gate = new();
    readonly FileStream? file;

    LmScoreCache(FileStream? file) => this.file = file;

    /// <summary>The file behind the cache; null for <see cref="InMemory"/>.</summary>
    public string? Path => file?.Name;

    public int Count
    {
        get { lock (gate) return scores.Count; }
    }

    /// <summary>A cache that lives as long as the process (nothing on disk).</summary>
    public static LmScoreCache InMemory() => new(null);

    /// <summary>Loads <paramref name="path"/> (creating it and its folder when missing) and keeps it open for appending.</summary>
    /// <param name="log">receives warnings about damaged lines; defaults to stderr</param>
    public static LmScoreCache Open(string path, TextWriter? log = null)
    {
        log ??= Console.Error;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        FileStream stream;
        try { stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) { throw new RqaException($"{path}: cannot open the LM score cache ({e.Message}); is another rqa process using it?", e); }
        catch (UnauthorizedAccessException e) { throw new RqaException($"{path}: cannot open the LM score cache ({e.Message})", e); }

        var cache = new LmScoreCache(stream);
        try
        {
            cache.Load(log);
            return cache;
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    void Load(TextWriter log)
    {
        var file = this.file!;
        var bytes = new byte[file.Length];
        file.Position = 0;
        file.ReadExactly(bytes);
        if (bytes.Length == 0)
        {
            WriteLine(Encoding.UTF8.GetBytes($"{{\"{HeaderField}\":{FormatVersion}}}"));
            file.Flush(flushToDisk: true);
            return;
        }

        // Everything after the last newline was being written when the process died.
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (complete < bytes.Length)
        {
            log.WriteLine($"warning: {file.Name}: ignoring a torn last line ({bytes.Length - complete} bytes, left by an interrupted run)");
            file.SetLength(complete);
        }
        file.Position = complete;
        if (complete == 0)
        {
            // Even the header was torn: the file held nothing yet, so it starts afresh.
            WriteLine(Encoding.UTF8.GetBytes($"{{\"{HeaderField}\":{FormatVersion}}}"));
            file.Flush(flushToDisk: true);
            return;
        }

        var lines = Encoding.UTF8.GetString(bytes, 0, complete).Split('\n');
        if (!IsHeader(lines[0]))
            throw new RqaException($"{file.Name}: not an rqa LM score cache (the first line is not {{\"{HeaderField}\": {FormatVersion}}}); choose another file");
        var skipped = 0;
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            if (TryParse(lines[i], out var key, out var score)) scores[key] = score;
            else if (skipped++ == 0) log.WriteLine($"warning: {file.Name}:{i + 1}: unreadable LM score line skipped");
        }
        if (skipped > 1) log.WriteLine($"warning: {file.Name}: {skipped} unreadable LM score lines skipped in all");
    }

    static bool IsHeader(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && json.RootElement.TryGetProperty(HeaderField, out var version)
                   && version.ValueKind == JsonValueKind.Number && version.GetInt32() == FormatVersion;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException) { return false; }
    }

    static bool TryParse(string line, out string key, out float score)
    {
        key = "";
        score = 0;
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("key", out var k) || k.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number) return false;
            key = k.GetString()!;
            score = s.GetSingle();
            return float.IsFinite(score);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException) { return false; }
    }

    public bool TryGet(string key, out float score)
    {
        lock (gate) return scores.TryGetValue(key, out score);
    }

    /// <summary>
    /// Records scores and appends them to the file, one whole line each, flushed before returning. Non-finite
    /// scores are not stored (JSON cannot hold them and they would be recomputed anyway).
    /// </summary>
    public void AddRange(IEnumerable<(string Key, float Score)> entries)
    {
        lock (gate)
        {
            var added = false;
            foreach (var (key, score) in entries)
            {
                if (!float.IsFinite(score)) continue;
                scores[key] = score;
                if (file is null) continue;
                var line = $"{{\"key\":{JsonSerializer.Serialize(key)},\"score\":{score.ToString("R", CultureInfo.InvariantCulture)}}}";
                WriteLine(Encoding.UTF8.GetBytes(line));
                added = true;
            }
            if (added) file!.Flush(flushToDisk: false);
        }
    }

    public void Add(string key, float score) => AddRange([(key, score)]);

    void WriteLine(byte[] line)
    {
        // One write per line: a crash can tear only the line in flight, never interleave two.
        var buffer = new byte[line.Length + 1];
        line.CopyTo(buffer, 0);
        buffer[^1] = (byte)'\n';
        file!.Write(buffer);
    }

    public void Dispose()
    {
        lock (gate) file?.Dispose();
    }
}
