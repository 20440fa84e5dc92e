using System.Text.Json;
using LocalRqa.Data;
using LocalRqa.Files;
using LocalRqa.Json;

namespace LocalRqa.Evaluation;

/// <summary>
/// LocalRQA's `test-predictions.jsonl`: per question `{question, gold_docs, retrieved_docs}`, documents as
/// `{page_content, fmt_content, metadata}` and each retrieved one carrying `metadata.retrieve_score`; `retrieved_docs`
/// is the top-k, as LocalRQA writes and reads it. rqa adds `ranking`: `{depth, documents: [{index, score,
/// fingerprint}]}`, the ranking down to `depth` (the metrics' 100 or `--save_depth`) as database indices, scores and
/// <see cref="IdentityFingerprint"/>s, compact enough for 100 per question and all `--compare_with` needs to
/// recompute every metric. LocalRQA's readers ignore the extra field.
/// </summary>
internal static class PredictionsFile
{
    public const string RetrieveScore = "retrieve_score";
    public const string RankingField = "ranking";

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
            if (prediction.Ranking is { } ranking)
            {
                writer.WriteStartObject(RankingField);
                writer.WriteNumber("depth", ranking.Depth);
                writer.WriteStartArray("documents");
                foreach (var ranked in ranking.Documents)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", ranked.Index);
                    writer.WriteNumber("score", ranked.Score);
                    writer.WriteString("fingerprint", ranked.Fingerprint);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
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
                    Documents(root, "retrieved_docs", where).Select(d => new RetrievedDocument(d, Score(d))).ToList(), Ranking(root, where)));
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

    /// <summary>The optional deep ranking; null in LocalRQA's files and rqa's older ones.</summary>
    static DeepRanking? Ranking(JsonElement root, string where)
    {
        if (!root.TryGetProperty(RankingField, out var ranking) || ranking.ValueKind == JsonValueKind.Null) return null;
        var bad = $"{where}: '{RankingField}' must be {{depth, documents: [{{index, score, fingerprint}}]}}";
        if (ranking.ValueKind != JsonValueKind.Object || !ranking.TryGetProperty("depth", out var depth) || !depth.TryGetInt32(out var depthValue) || depthValue < 0
            || !ranking.TryGetProperty("documents", out var documents) || documents.ValueKind != JsonValueKind.Array)
            throw new RqaException(bad);
        var ranked = new List<RankedDocument>();
        foreach (var entry in documents.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("index", out var index) || !index.TryGetInt32(out var indexValue)
                || !entry.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number
                || !entry.TryGetProperty("fingerprint", out var fingerprint) || fingerprint.ValueKind != JsonValueKind.String)
                throw new RqaException($"{bad}; entry {ranked.Count} is not");
            ranked.Add(new RankedDocument(indexValue, score.GetDouble(), fingerprint.GetString()!));
        }
        if (ranked.Count > depthValue) throw new RqaException($"{where}: '{RankingField}' holds {ranked.Count} documents, more than its depth {depthValue}");
        return new DeepRanking(depthValue, ranked);
    }

    static double Score(Document document) =>
        document.Metadata.TryGetValue(RetrieveScore, out var value) && value is double or long ? Convert.ToDouble(value) : double.NaN;
}
