using System.Text.Json;
using LocalRqa.Json;

namespace LocalRqa.Data;

/// <summary>
/// Writes questions with their gold and hard negative passages as a LocalRQA training file (one question per line:
/// gold_docs, hard_neg_docs, chat_history, questions), which <see cref="RetrievalDataReader"/> and LocalRQA read back.
/// </summary>
internal static class RetrievalDataWriter
{
    public static void Write(string path, IEnumerable<RetrievalExample> examples) =>
        JsonLinesFile.Write(path, examples, (writer, e) =>
        {
            writer.WriteStartObject();
            WriteDocuments(writer, "gold_docs", e.GoldDocs);
            WriteDocuments(writer, "hard_neg_docs", e.HardNegDocs);
            writer.WriteStartArray("chat_history");
            writer.WriteEndArray();
            writer.WriteStartArray("questions");
            writer.WriteStringValue(e.Question);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    static void WriteDocuments(Utf8JsonWriter writer, string name, IReadOnlyList<Document> documents)
    {
        writer.WriteStartArray(name);
        foreach (var document in documents) DocumentJson.Write(writer, document);
        writer.WriteEndArray();
    }
}
