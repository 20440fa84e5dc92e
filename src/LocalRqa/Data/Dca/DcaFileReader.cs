using System.Globalization;
using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data.Dca;

/// <summary>
/// Reads DCA question files: a JSON list (<c>.json</c>) or one object per line (<c>.jsonl</c>) of
/// <c>{id?, question, gold_docs?, answers?, ctxs: [{id?, title?, text, score?, crossattention_score?}]}</c>.
/// As LocalRQA's load_fid_data and FidDataset: a missing id is the question's position, a missing score is
/// 1/(k+1), and passages are sorted by score, best first (stably, so equal scores keep the file's order).
/// </summary>
internal static class DcaFileReader
{
    /// <param name="nContext">Keep the first n passages after sorting (FidDataset's <c>ctxs[:n_context]</c>); a
    /// question with fewer keeps what it has, with one warning per file.</param>
    public static IReadOnlyList<DcaQuestion> Read(string path, int? nContext = null, TextWriter? log = null)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        if (nContext is < 1) throw new RqaException($"--n_context must be at least 1, got {nContext}");
        var questions = new List<DcaQuestion>();
        int shortQuestions = 0, fewest = int.MaxValue;
        foreach (var (element, where) in Records(path))
        {
            var question = Parse(element, where, questions.Count);
            if (nContext is { } n)
            {
                if (question.Contexts.Count < n)
                {
                    shortQuestions++;
                    fewest = Math.Min(fewest, question.Contexts.Count);
                }
                else question = question with { Contexts = question.Contexts.Take(n).ToList() };
            }
            questions.Add(question);
        }
        if (questions.Count == 0) throw new RqaException($"{path}: no questions found");
        if (shortQuestions > 0)
            log?.WriteLine($"warning: {path}: {shortQuestions} of {questions.Count} questions have fewer than --n_context {nContext} ctxs " +
                           $"(the fewest: {fewest}); they use the ctxs they have");
        return questions;
    }

    static IEnumerable<(JsonElement Element, string Where)> Records(string path)
    {
        if (!Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            var root = ParseJson(Utf8TextFile.ReadAllText(path), path);
            if (root.ValueKind != JsonValueKind.Array) throw new RqaException($"{path}: expected a JSON list of questions");
            var index = 0;
            foreach (var item in root.EnumerateArray()) yield return (item, $"{path}[{index++}]");
            yield break;
        }
        var number = 0;
        foreach (var text in Utf8TextFile.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text)) yield return (ParseJson(text, $"{path}:{number}"), $"{path}:{number}");
        }
    }

    static JsonElement ParseJson(string text, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e) { throw new RqaException($"{where}: invalid JSON: {e.Message}"); }
    }

    static DcaQuestion Parse(JsonElement obj, string where, int position)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw new RqaException($"{where}: expected a JSON object");
        var question = OptionalString(obj, "question", where);
        // An empty question would give the reader and the retriever nothing to relate the passages to.
        if (string.IsNullOrWhiteSpace(question)) throw new RqaException($"{where}: the question is missing or empty");
        var id = Id(obj, "id", where) ?? position.ToString(CultureInfo.InvariantCulture);
        if (!obj.TryGetProperty("ctxs", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new RqaException($"{where}: missing list 'ctxs'");
        var contexts = list.EnumerateArray().Select((c, k) => Context(c, $"{where}: ctxs[{k}]", k)).ToList();
        // OrderByDescending is stable: equal scores keep their order, so a gold passage given the top score stays first.
        var sorted = contexts.OrderByDescending(c => c.Score).ToList();

        var gold = new List<Document>();
        if (obj.TryGetProperty("gold_docs", out var golds) && golds.ValueKind != JsonValueKind.Null)
        {
            if (golds.ValueKind != JsonValueKind.Array) throw new RqaException($"{where}: field 'gold_docs' must be a list of documents");
            gold.AddRange(golds.EnumerateArray().Select((d, i) => DocumentJson.Parse(d, $"{where}: gold_docs[{i}]")));
        }
        var answers = new List<string>();
        if (obj.TryGetProperty("answers", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Array) throw new RqaException($"{where}: field 'answers' must be a list of strings");
            answers.AddRange(given.EnumerateArray().Select((a, i) => a.ValueKind == JsonValueKind.String ? a.GetString()!
                : throw new RqaException($"{where}: answers[{i}] must be a string")));
        }
        return new DcaQuestion(id, question, sorted, gold, answers);
    }

    static DcaContext Context(JsonElement c, string where, int k)
    {
        if (c.ValueKind != JsonValueKind.Object) throw new RqaException($"{where}: expected a JSON object");
        var text = OptionalString(c, "text", where) ?? throw new RqaException($"{where}: missing 'text'");
        // LocalRQA's load_fid_data writes 1.0 / (k + 1) with k its loop variable over questions, so every passage of
        // a question gets the same score and sorting keeps the file's order. We number the passages instead: the
        // same order when no passage has a score, and a sensible one when only some have.
        var score = Number(c, "score", where) ?? 1.0 / (k + 1);
        return new DcaContext(Id(c, "id", where), OptionalString(c, "title", where) ?? "", text, score, Number(c, "crossattention_score", where));
    }

    static string? OptionalString(JsonElement obj, string field, string where) =>
        !obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new RqaException($"{where}: field '{field}' must be a string");

    static string? Id(JsonElement obj, string field, string where) =>
        !obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.String ? value.GetString()
        : value.ValueKind is JsonValueKind.Number ? value.GetRawText()
        : throw new RqaException($"{where}: field '{field}' must be a string or a number");

    /// <summary>A number, or a string holding one (LocalRQA reads scores with Python's float()).</summary>
    static double? Number(JsonElement obj, string field, string where)
    {
        if (!obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            return parsed;
        throw new RqaException($"{where}: field '{field}' must be a number");
    }
}
