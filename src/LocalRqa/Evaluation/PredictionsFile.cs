using System.Text.Json;
using LocalRqa.Data;
using LocalRqa.Files;
using LocalRqa.Json;

namespace LocalRqa.Evaluation;

/// <summary>
/// LocalRQA's `test-predictions.jsonl`: per question `{question, gold_docs, retrieved_docs}`, documents as
/// `{page_content, fmt_content, metadata}` and each retrieved one carrying `metadata.retrieve_score`.
/// </summary>
public static class PredictionsFile
{
    public const string RetrieveScore = "retrieve_score";

    public static void Write(string path, IEnumerable<RetrievalPrediction> predictions) =>
        JsonLinesFile.Write(path, predictions, (writer, prediction) =>
        {
            writer.WriteStartObject();
            writer.WriteString("question", prediction.Question);
            writer.WriteStartArray("gold_docs");
            foreach (var gold in prediction.GoldDocs) DocumentJson.Write(writer, gold);
            writer.WriteEndArray();
            writer.WriteStartArray("retrieved_docs");
            foreach (var retrieved in prediction.Retrieved)
            {
                var metadata = new Dictionary<string, object?>(retrieved.Document.Metadata) { [RetrieveScore] = retrieved.Score };
                DocumentJson.Write(writer, retrieved.Document with { Metadata = metadata });
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary>Reads a predictions file written by rqa or LocalRQA (for `--compare_with`).</summary>
    public static IReadOnlyList<RetrievalPrediction> Read(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        var predictions = new List<RetrievalPrediction>();
        var number = 0;
        foreach (var line in Utf8TextFile.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var where = $"{path}:{number}";
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("question", out var question) || question.ValueKind != JsonValueKind.String)
                    throw new RqaException($"{where}: expected an object with a string 'question'");
                predictions.Add(new RetrievalPrediction(question.GetString()!, Documents(root, "gold_docs", where),
                    Documents(root, "retrieved_docs", where).Select(d => new RetrievedDocument(d, Score(d))).ToList()));
            }
            catch (JsonException e) { throw new RqaException($"{where}: invalid JSON: {e.Message}"); }
        }
        if (predictions.Count == 0) throw new RqaException($"{path}: no predictions");
        return predictions;
    }

    static List<Document> Documents(JsonElement root, string field, string where)
    {
        if (!root.TryGetProperty(field, out var list) || list.ValueKind != JsonValueKind.Array)
            throw new RqaException($"{where}: missing list '{field}'");
        return list.EnumerateArray().Select((d, i) => DocumentJson.Parse(d, $"{where}: {field}[{i}]")).ToList();
    }

    static double Score(Document document) =>
        document.Metadata.TryGetValue(RetrieveScore, out var value) && value is double or long ? Convert.ToDouble(value) : double.NaN;
}
