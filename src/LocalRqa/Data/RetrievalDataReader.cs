using System.Text.Json.Nodes;
using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data;

/// <summary>
/// Reads LocalRQA's question files (`train_w_q.jsonl`, `eval_w_qa.jsonl`, ...): one JSON object per line with
/// either `questions` (a list: one example per question, as LocalRQA flattens it) or `question`, plus
/// `gold_docs` and optionally `hard_neg_docs`, `gold_answer`, `answers` (a list of strings) and `chat_history`. A `.json` file holding a list
/// of such objects is read too.
/// </summary>
public static class RetrievalDataReader
{
    /// <param name="log">where an empty question is named, in one warning line per file</param>
    public static IReadOnlyList<RetrievalExample> Read(string path, TextWriter? log = null)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        var examples = new List<RetrievalExample>();
        foreach (var (element, line) in Records(path))
            examples.AddRange(Parse(element, $"{path}:{line}", line));
        if (examples.Count == 0) throw new RqaException($"{path}: no questions found");
        var empty = examples.Where(e => string.IsNullOrWhiteSpace(e.Question)).Select(e => e.Line).Distinct().ToList();
        if (empty.Count > 0)
            log?.WriteLine($"warning: {path}:{empty[0]}: empty question{(empty.Count > 1 ? $" (and on {empty.Count - 1} more lines)" : "")}; " +
                           "kept as LocalRQA keeps it, but it has no words to retrieve by");
        return examples;
    }

    static IEnumerable<(JsonElement Element, int Line)> Records(string path)
    {
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            var root = ParseJson(Utf8TextFile.ReadAllText(path), path);
            if (root.ValueKind != JsonValueKind.Array) throw new RqaException($"{path}: expected a JSON list of examples");
            var index = 0;
            foreach (var item in root.EnumerateArray()) yield return (item, ++index);
            yield break;
        }
        var number = 0;
        foreach (var text in Utf8TextFile.ReadLines(path))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text)) yield return (ParseJson(text, $"{path}:{number}"), number);
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

    static IEnumerable<RetrievalExample> Parse(JsonElement obj, string where, int line)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw new RqaException($"{where}: expected a JSON object");
        var gold = Documents(obj, "gold_docs", where) ?? throw new RqaException($"{where}: missing field 'gold_docs'");
        if (gold.Count == 0) throw new RqaException($"{where}: 'gold_docs' is empty");
        var negatives = Documents(obj, "hard_neg_docs", where) ?? [];
        var answer = OptionalString(obj, "gold_answer", where);
        var answers = OptionalStrings(obj, "answers", where);
        var history = obj.TryGetProperty("chat_history", out var h) && h.ValueKind != JsonValueKind.Null ? JsonNode.Parse(h.GetRawText()) : null;

        List<string?> questions;
        if (obj.TryGetProperty("questions", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array) throw new RqaException($"{where}: field 'questions' must be a list");
            questions = list.EnumerateArray().Select((q, i) => q.ValueKind == JsonValueKind.String
                ? q.GetString()
                : throw new RqaException($"{where}: field 'questions[{i}]' must be a string")).ToList();
        }
        else questions = [OptionalString(obj, "question", where) ?? throw new RqaException($"{where}: missing field 'questions' or 'question'")];

        // Empty questions are kept, as LocalRQA keeps them (the Faire training file has one), so question counts
        // and metrics stay comparable; they simply retrieve poorly.
        foreach (var question in questions) yield return new RetrievalExample(question!, gold, negatives, answer, history, line, answers);
    }

    static string? OptionalString(JsonElement obj, string field, string where) =>
        !obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new RqaException($"{where}: field '{field}' must be a string");

    static IReadOnlyList<string>? OptionalStrings(JsonElement obj, string field, string where)
    {
        if (!obj.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array) throw new RqaException($"{where}: field '{field}' must be a list of strings");
        return list.EnumerateArray().Select((v, i) => v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new RqaException($"{where}: field '{field}[{i}]' must be a string")).ToList();
    }

    static IReadOnlyList<Document>? Documents(JsonElement obj, string field, string where)
    {
        if (!obj.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array) throw new RqaException($"{where}: field '{field}' must be a list of documents");
        return list.EnumerateArray().Select((d, i) => DocumentJson.Parse(d, $"{where}: {field}[{i}]")).ToList();
    }
}
