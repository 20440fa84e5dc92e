using System.Text;
using System.Text.Json;

namespace LocalRqa.Data.Dca;

/// <summary>
/// The reader scores of a DCA file, kept so that an interrupted scoring run resumes where it stopped. Scored
/// questions are appended, one line each and flushed, to <c>&lt;name&gt;_wscore.json.partial</c>
/// (<c>{"index", "id", "scores"}</c>, scores in the order of the question's sorted ctxs); <see cref="Finish"/> then
/// writes <c>&lt;name&gt;_wscore.json</c> beside the input atomically (each ctx gains <c>crossattention_score</c>)
/// and deletes the partial file. An existing file that does not belong to these questions is refused, never
/// mixed in.
/// </summary>
public sealed class DcaScoreStore : IDisposable
{
    readonly IReadOnlyList<DcaQuestion> questions;
    readonly double[]?[] scores;
    FileStream? partial;

    /// <summary>Where the scored questions go: LocalRQA's <c>path.split(".json")[0] + "_wscore.json"</c>, beside the input.</summary>
    public static string ScoredPath(string inputPath)
    {
        var name = Path.GetFileName(inputPath);
        var cut = name.IndexOf(".json", StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(inputPath))!, (cut >= 0 ? name[..cut] : name) + "_wscore.json");
    }

    public static string PartialPath(string inputPath) => ScoredPath(inputPath) + ".partial";

    /// <summary>Which reader (and settings) made the scores: a one-line text file beside the scored file.</summary>
    public static string ScorerPath(string inputPath) => ScoredPath(inputPath) + ".scorer";

    public string ScoredFile { get; }
    public string PartialFile { get; }

    /// <summary>Positions of the questions still to score, in file order.</summary>
    public IReadOnlyList<int> Pending => Enumerable.Range(0, questions.Count).Where(i => scores[i] is null).ToList();

    public bool IsComplete => scores.All(s => s is not null);

    DcaScoreStore(string inputPath, IReadOnlyList<DcaQuestion> questions)
    {
        this.questions = questions;
        scores = new double[]?[questions.Count];
        ScoredFile = ScoredPath(inputPath);
        PartialFile = PartialPath(inputPath);
    }

    /// <summary>
    /// Picks up a finished <c>_wscore.json</c> (then <see cref="IsComplete"/>) or the scores of an interrupted run,
    /// after checking that they belong to <paramref name="questions"/> (the input as read, ctxs sorted and cut).
    /// </summary>
    /// <param name="scorer">
    /// What scores this run would produce (e.g. the reader and its text_maxlength). Scores recorded as made by another
    /// scorer are refused; scores without a record (written by LocalRQA, or before records existed) are reused with a warning.
    /// </param>
    public static DcaScoreStore Open(string inputPath, IReadOnlyList<DcaQuestion> questions, TextWriter? log = null, string? scorer = null)
    {
        var store = new DcaScoreStore(inputPath, questions) { scorer = scorer, scorerFile = ScorerPath(inputPath) };
        store.CheckScorer(log);
        if (File.Exists(store.ScoredFile)) store.LoadFinished();
        else if (File.Exists(store.PartialFile)) store.LoadPartial(log);
        return store;
    }

    string? scorer;
    string scorerFile = "";

    void CheckScorer(TextWriter? log)
    {
        if (scorer is null || !(File.Exists(ScoredFile) || File.Exists(PartialFile))) return;
        var existing = File.Exists(ScoredFile) ? ScoredFile : PartialFile;
        if (!File.Exists(scorerFile))
        {
            log?.WriteLine($"warning: {existing}: no record of the reader that scored it (made by LocalRQA?); its scores are used as they are");
            return;
        }
        var recorded = File.ReadAllText(scorerFile).Trim();
        if (recorded != scorer)
            throw new RqaException($"{existing}: scored by {recorded}, but this run's reader is {scorer}; " +
                                   $"delete it and {scorerFile} to score again, or run with the reader that made it");
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
            if (!found.Contexts.Select(c => c.Text).SequenceEqual(expected.Contexts.Select(c => c.Text)))
                throw Inconsistent(ScoredFile, $"question {i} ({expected.Id}) has other ctxs than the input");
            if (!found.IsScored) throw Inconsistent(ScoredFile, $"question {i} ({expected.Id}) has ctxs without crossattention_score");
            scores[i] = found.Contexts.Select(c => c.CrossAttentionScore!.Value).ToArray();
        }
    }

    void LoadPartial(TextWriter? log)
    {
        // Only lines that end in '\n' were written whole; whatever follows the last one is a line cut by a kill (even if
        // it happens to parse), so it is dropped and that question scored again.
        var bytes = File.ReadAllBytes(PartialFile);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (complete < bytes.Length) log?.WriteLine($"warning: {PartialFile}: ignoring its incomplete last line");
        var lines = Encoding.UTF8.GetString(bytes, 0, complete).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            JsonElement line;
            try
            {
                using var document = JsonDocument.Parse(lines[n]);
                line = document.RootElement.Clone();
            }
            catch (JsonException e) { throw Inconsistent(PartialFile, $"line {n + 1} is not valid JSON: {e.Message}"); }
            var (index, values) = ParseLine(line, n + 1);
            scores[index] = values;
        }
        if (complete < bytes.Length)
            using (var stream = new FileStream(PartialFile, FileMode.Open, FileAccess.Write)) stream.SetLength(complete);
        var done = scores.Count(s => s is not null);
        log?.WriteLine($"resuming reader scoring from {PartialFile}: {done} of {questions.Count} questions already scored");
    }

    (int Index, double[] Scores) ParseLine(JsonElement line, int number)
    {
        string where = $"line {number}";
        if (line.ValueKind != JsonValueKind.Object || !line.TryGetProperty("index", out var i) || !i.TryGetInt32(out var index)
            || !line.TryGetProperty("scores", out var list) || list.ValueKind != JsonValueKind.Array)
            throw Inconsistent(PartialFile, $"{where} is not {{\"index\", \"id\", \"scores\"}}");
        if (index < 0 || index >= questions.Count) throw Inconsistent(PartialFile, $"{where} scores question {index}, but the input has {questions.Count}");
        var id = line.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (id != questions[index].Id) throw Inconsistent(PartialFile, $"{where} scores question id '{id}', the input's question {index} is '{questions[index].Id}'");
        var values = list.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw Inconsistent(PartialFile, $"{where}: scores must be numbers")).ToArray();
        if (values.Length != questions[index].Contexts.Count)
            throw Inconsistent(PartialFile, $"{where} has {values.Length} scores, the input's question {index} has {questions[index].Contexts.Count} ctxs");
        return (index, values);
    }

    /// <summary>Records one question's reader scores (one per ctx, in order) durably before returning.</summary>
    public void Append(int index, IReadOnlyList<float> readerScores)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, questions.Count);
        if (readerScores.Count != questions[index].Contexts.Count)
            throw new ArgumentException($"question {index} has {questions[index].Contexts.Count} ctxs but got {readerScores.Count} scores");
        // Kept as the doubles that the partial file round-trips exactly, so a resumed run writes the same file.
        var values = readerScores.Select(s => (double)s).ToArray();
        if (values.Any(v => !double.IsFinite(v))) throw new RqaException($"question {questions[index].Id}: the reader gave a non-finite score");
        if (partial is null && scorer is not null && !File.Exists(scorerFile)) Files.AtomicFile.WriteAllText(scorerFile, scorer + "\n");
        partial ??= new FileStream(PartialFile, FileMode.Append, FileAccess.Write, FileShare.Read);
        using (var writer = new Utf8JsonWriter(partial))
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", index);
            writer.WriteString("id", questions[index].Id);
            writer.WriteStartArray("scores");
            foreach (var v in values) writer.WriteNumberValue(v);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        partial.WriteByte((byte)'\n');
        partial.Flush(flushToDisk: true);
        scores[index] = values;
    }

    /// <summary>Writes <see cref="ScoredFile"/> (atomically) and removes the partial file; returns the scored questions.</summary>
    public IReadOnlyList<DcaQuestion> Finish()
    {
        if (!IsComplete) throw new InvalidOperationException($"{Pending.Count} questions are not scored yet");
        var scored = questions.Select((q, i) => q with
        {
            Contexts = q.Contexts.Select((c, k) => c with { CrossAttentionScore = scores[i]![k] }).ToList(),
        }).ToList();
        partial?.Dispose();
        partial = null;
        if (File.Exists(PartialFile) || !File.Exists(ScoredFile))
        {
            DcaFileWriter.Write(ScoredFile, scored);
            File.Delete(PartialFile);
        }
        return scored;
    }

    static RqaException Inconsistent(string path, string why) =>
        new($"{path}: does not belong to this input ({why}); delete or move it to score again");

    public void Dispose() => partial?.Dispose();
}
