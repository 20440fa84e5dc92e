using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data.Dca;

/// <summary>
/// Writes DCA question files atomically: a JSON list (indented, as LocalRQA's json.dump(indent=4)) or, for a
/// <c>.jsonl</c> path, one question per line. Passages keep their order; an integer id is written as an integer.
/// </summary>
internal static class DcaFileWriter
{
    static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string path, IEnumerable<DcaQuestion> questions)
    {
        var lines = Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            if (lines)
            {
                using var writer = new Utf8JsonWriter(stream, Compact);
                foreach (var question in questions)
                {
                    WriteQuestion(writer, question);
                    writer.Flush();
                    stream.WriteByte((byte)'\n');
                    writer.Reset();
                }
                return;
            }
            using (var writer = new Utf8JsonWriter(stream, Indented))
            {
                writer.WriteStartArray();
                foreach (var question in questions) WriteQuestion(writer, question);
                writer.WriteEndArray();
            }
            stream.WriteByte((byte)'\n');
        });
    }

    public static void WriteQuestion(Utf8JsonWriter writer, DcaQuestion question)
    {
        writer.WriteStartObject();
        WriteId(writer, question.Id);
        writer.WriteString("question", question.Question);
        if (question.GoldDocs.Count > 0)
        {
            writer.WriteStartArray("gold_docs");
            foreach (var document in question.GoldDocs) DocumentJson.Write(writer, document);
            writer.WriteEndArray();
        }
        if (question.Answers.Count > 0)
        {
            writer.WriteStartArray("answers");
            foreach (var answer in question.Answers) writer.WriteStringValue(answer);
            writer.WriteEndArray();
        }
        writer.WriteStartArray("ctxs");
        foreach (var context in question.Contexts)
        {
            writer.WriteStartObject();
            if (context.Id is not null) WriteId(writer, context.Id);
            writer.WriteString("title", context.Title);
            writer.WriteString("text", context.Text);
            WriteNumber(writer, "score", context.Score);
            if (context.CrossAttentionScore is { } attention) WriteNumber(writer, "crossattention_score", attention);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    static void WriteId(Utf8JsonWriter writer, string id)
    {
        if (long.TryParse(id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number.ToString(CultureInfo.InvariantCulture) == id)
            writer.WriteNumber("id", number);
        else writer.WriteString("id", id);
    }

    // JSON has no NaN or infinities; such a score (a broken reader, a -inf BM25 edge) is a bug to surface, not to write.
    static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (!double.IsFinite(value)) throw new RqaException($"cannot write {name} {value}: scores must be finite numbers");
        writer.WriteNumber(name, value);
    }
}
