using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LocalRqa.Data.Dca;

/// <summary>
/// The reader scores of a DCA file, kept so that a killed scoring run resumes where it stopped and stale scores
/// are never reused. <c>&lt;name&gt;_wscore.json.partial</c> is JSON Lines: a header naming the scorer
/// (<c>{"rqa_dca_reader_scores": 2, "scorer": "…"}</c>), then one line per scored question
/// (<c>{"index", "id", "inputs", "scores"}</c>: <c>inputs</c> is a digest of what the reader read, the question and
/// its ctxs' titles and texts; scores in ctx order). Each batch of lines is written with one write and flushed to
/// disk; a last line without its newline was cut by a kill and is dropped. A partial file of another scorer is
/// discarded, and a line whose question or ctxs changed is ignored, so those questions are scored again.
/// <see cref="Finish"/> writes <c>&lt;name&gt;_wscore.json</c> beside the input atomically (each ctx gains
/// <c>crossattention_score</c>), records its scorer in <c>&lt;name&gt;_wscore.json.scorer</c> and deletes the
/// partial file. A finished file that does not belong to these questions or this scorer is refused, never mixed in.
/// </summary>
internal sealed class DcaScoreStore : IDisposable
{
    const string HeaderField = "rqa_dca_reader_scores";
    const int FormatVersion = 2;

    readonly IReadOnlyList<DcaQuestion> questions;
    readonly string[] inputDigests;
    readonly double[]?[] scores;
    readonly string? scorer;
    FileStream? partial;

    /// <summary>Where the scored questions go: LocalRQA's <c>path.split(".json")[0] + "_wscore.json"</c>, beside the input.</summary>
    public static string ScoredPath(string inputPath)
    {
        var name = Path.GetFileName(inputPath);
        var cut = name.IndexOf(".json", StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(inputPath))!, (cut >= 0 ? name[..cut] : name) + "_wscore.json");
    }

    public static string PartialPath(string inputPath) => ScoredPath(inputPath) + ".partial";

    /// <summary>Which reader (and settings) made the finished scores: a one-line text file beside the scored file.</summary>
    public static string ScorerPath(string inputPath) => ScoredPath(inputPath) + ".scorer";

    public string ScoredFile { get; }
    public string PartialFile { get; }
    string ScorerFile { get; }

    /// <summary>Whether question <paramref name="index"/> has its scores (from an earlier run or appended by this one).</summary>
    public bool Has(int index) => scores[index] is not null;

    public bool IsComplete => scores.All(s => s is not null);

    DcaScoreStore(string inputPath, IReadOnlyList<DcaQuestion> questions, string? scorer)
    {
        this.questions = questions;
        this.scorer = scorer;
        inputDigests = questions.Select(InputDigest).ToArray();
        scores = new double[]?[questions.Count];
        ScoredFile = ScoredPath(inputPath);
        PartialFile = PartialPath(inputPath);
        ScorerFile = ScorerPath(inputPath);
    }

    /// <summary>
    /// Picks up a finished <c>_wscore.json</c> (then <see cref="IsComplete"/>) or the still valid scores of an
    /// interrupted run, for <paramref name="questions"/> (the input as read, ctxs sorted and cut).
    /// </summary>
    /// <param name="scorer">
    /// What scores this run would produce (<c>FidScorerIdentity</c>: the reader's fingerprint, text_maxlength). A
    /// finished file recorded as made by another scorer is refused; one without a record (written by LocalRQA) is
    /// reused with a warning. Partial scores of another scorer are discarded; without a scorer (only reading, for
    /// --with_score True) they are left alone.
    /// </param>
    public static DcaScoreStore Open(string inputPath, IReadOnlyList<DcaQuestion> questions, TextWriter? log = null, string? scorer = null)
    {
        var store = new DcaScoreStore(inputPath, questions, scorer);
        if (File.Exists(store.ScoredFile))
        {
            store.CheckScorer(log);
            store.LoadFinished();
        }
        else if (File.Exists(store.PartialFile)) store.LoadPartial(log);
        return store;
    }

    /// <summary>A digest of everything the reader reads for one question: its text and its ctxs' titles and texts, in order.</summary>
    public static string InputDigest(DcaQuestion question)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length)); // length-prefixed: no two inputs concatenate alike
            hash.AppendData(bytes);
        }
        Field(question.Question);
        foreach (var context in question.Contexts)
        {
            Field(context.Title);
            Field(context.Text);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    void CheckScorer(TextWriter? log)
    {
        if (scorer is null) return;
        if (!File.Exists(ScorerFile))
        {
            log?.WriteLine($"warning: {ScoredFile}: no record of the reader that scored it (made by LocalRQA?); its scores are used as they are");
            return;
        }
        var recorded = File.ReadAllText(ScorerFile).Trim();
        if (recorded != scorer)
            throw new RqaException($"{ScoredFile}: scored by {recorded}, but this run's reader is {scorer}; " +
                                   $"delete it and {ScorerFile} to score again, or run with the reader that made it");
    }

    void LoadFinished()
    {
        var scored = DcaFileReader.Read(ScoredFile);
        if (scored.Count != questions.Count)
            throw Inconsistent(ScoredFile, $"it has {scored.Count} questions, the input {questions.Count}");
        for (var i = 0; i < questions.Count; i++)
        {
            var (expected, found) = (questions[i], scored[i]);
            if (found.Id != expected.Id || found.Question != expected.Question)
                throw Inconsistent(ScoredFile, $"question {i} is '{found.Id}: {found.Question}', the input's is '{expected.Id}: {expected.Question}'");
            if (found.Contexts.Count != expected.Contexts.Count)
                throw Inconsistent(ScoredFile, $"question {i} ({expected.Id}) has {found.Contexts.Count} ctxs, the input {expected.Contexts.Count}");
            if (InputDigest(found) != inputDigests[i])
                throw Inconsistent(ScoredFile, $"question {i} ({expected.Id}) has other ctxs than the input");
            if (!found.IsScored) throw Inconsistent(ScoredFile, $"question {i} ({expected.Id}) has ctxs without crossattention_score");
            scores[i] = found.Contexts.Select(c => c.CrossAttentionScore!.Value).ToArray();
        }
    }

    void LoadPartial(TextWriter? log)
    {
        // Only lines that end in '\n' were written whole; whatever follows the last one was cut by a kill (even if it
        // happens to parse), so it is dropped and its questions scored again.
        var bytes = File.ReadAllBytes(PartialFile);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (complete < bytes.Length)
        {
            log?.WriteLine($"warning: {PartialFile}: ignoring its incomplete last line ({bytes.Length - complete} bytes, cut by a kill)");
            using var stream = new FileStream(PartialFile, FileMode.Open, FileAccess.Write);
            stream.SetLength(complete);
        }
        var lines = Encoding.UTF8.GetString(bytes, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var recorded = lines.Length > 0 ? HeaderScorer(lines[0]) : null;
        if (recorded != (scorer ?? ""))
        {
            // A store opened only to read (no scorer: --with_score True) leaves another scorer's partial file alone.
            if (scorer is null && lines.Length > 0) return;
            if (lines.Length > 0)
                log?.WriteLine($"discarding {PartialFile}: its scores were made by {recorded ?? "an unknown scorer"}, this run's reader is " +
                               $"{scorer ?? "unnamed"}; scoring again");
            File.Delete(PartialFile);
            return;
        }
        var stale = 0;
        foreach (var line in lines.Skip(1))
        {
            if (TryParseLine(line) is { } record) scores[record.Index] = record.Scores;
            else stale++;
        }
        if (stale > 0)
            log?.WriteLine($"warning: {PartialFile}: ignoring {stale} records of questions whose text or ctxs changed (or that are unreadable); they are scored again");
    }

    static string? HeaderScorer(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty(HeaderField, out var version)
                   && version.ValueKind == JsonValueKind.Number && version.GetInt32() == FormatVersion
                   && root.TryGetProperty("scorer", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or FormatException) { return null; }
    }

    /// <returns>the record, or null when it is unreadable or no longer matches its question (stale)</returns>
    (int Index, double[] Scores)? TryParseLine(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("index", out var i) || !i.TryGetInt32(out var index)
                || index < 0 || index >= questions.Count
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != questions[index].Id
                || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.String || inputs.GetString() != inputDigests[index]
                || !root.TryGetProperty("scores", out var list) || list.ValueKind != JsonValueKind.Array
                || list.GetArrayLength() != questions[index].Contexts.Count
                || list.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                return null;
            var values = list.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            return values.All(double.IsFinite) ? (index, values) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException) { return null; }
    }

    /// <summary>
    /// Records one batch of questions' reader scores (one per ctx, in order) durably before returning: its lines go out
    /// in one write, flushed to disk.
    /// </summary>
    public void Append(IReadOnlyList<(int Index, float[] Scores)> batch)
    {
        using var buffer = new MemoryStream();
        var values = new double[batch.Count][];
        for (var b = 0; b < batch.Count; b++)
        {
            var (index, readerScores) = batch[b];
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, questions.Count);
            if (readerScores.Length != questions[index].Contexts.Count)
                throw new ArgumentException($"question {index} has {questions[index].Contexts.Count} ctxs but got {readerScores.Length} scores");
            // Kept as the doubles that the partial file round-trips exactly, so a resumed run writes the same file.
            values[b] = readerScores.Select(s => (double)s).ToArray();
            if (values[b].Any(v => !double.IsFinite(v))) throw new RqaException($"question {questions[index].Id}: the reader gave a non-finite score");
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", index);
                writer.WriteString("id", questions[index].Id);
                writer.WriteString("inputs", inputDigests[index]);
                writer.WriteStartArray("scores");
                foreach (var v in values[b]) writer.WriteNumberValue(v);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        if (partial is null)
        {
            partial = new FileStream(PartialFile, FileMode.Append, FileAccess.Write, FileShare.Read);
            if (partial.Length == 0) WriteHeader(partial);
        }
        partial.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        partial.Flush(flushToDisk: true);
        for (var b = 0; b < batch.Count; b++) scores[batch[b].Index] = values[b];
    }

    void WriteHeader(Stream stream)
    {
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber(HeaderField, FormatVersion);
            writer.WriteString("scorer", scorer ?? "");
            writer.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Writes <see cref="ScoredFile"/> (atomically, its scorer recorded first) and removes the partial file; returns the
    /// scored questions.
    /// </summary>
    public IReadOnlyList<DcaQuestion> Finish()
    {
        if (!IsComplete) throw new InvalidOperationException($"{scores.Count(s => s is null)} questions are not scored yet");
        var scored = questions.Select((q, i) => q with
        {
            Contexts = q.Contexts.Select((c, k) => c with { CrossAttentionScore = scores[i]![k] }).ToList(),
        }).ToList();
        partial?.Dispose();
        partial = null;
        if (File.Exists(PartialFile) || !File.Exists(ScoredFile))
        {
            if (scorer is not null) Files.AtomicFile.WriteAllText(ScorerFile, scorer + "\n");
            DcaFileWriter.Write(ScoredFile, scored);
            File.Delete(PartialFile);
        }
        return scored;
    }

    static RqaException Inconsistent(string path, string why) =>
        new($"{path}: does not belong to this input ({why}); delete or move it to score again");

    public void Dispose() => partial?.Dispose();
}
