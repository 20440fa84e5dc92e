using System.Text.Json;

namespace LocalRqa.Data;

/// <summary>
/// The JSON shape of a document, <c>{page_content, fmt_content?, metadata?}</c>, shared by JSONL and JSON files and
/// by the gold/negative documents of LocalRQA's training and evaluation data.
/// </summary>
internal static class DocumentJson
{
    /// <param name="where">Where the object is (file:line or file[index]), for error messages.</param>
    public static Document Parse(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new RqaException($"{where}: a document must be a JSON object");
        if (!element.TryGetProperty("page_content", out var page) || page.ValueKind != JsonValueKind.String)
            throw new RqaException($"{where}: the document has no page_content string");
        string? fmt = null;
        if (element.TryGetProperty("fmt_content", out var fmtElement) && fmtElement.ValueKind != JsonValueKind.Null)
            fmt = fmtElement.ValueKind == JsonValueKind.String ? fmtElement.GetString() : throw new RqaException($"{where}: fmt_content is not a string");
        IReadOnlyDictionary<string, object?>? metadata = null;
        if (element.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            metadata = meta.ValueKind == JsonValueKind.Object ? (IReadOnlyDictionary<string, object?>)ToValue(meta)! : throw new RqaException($"{where}: metadata is not an object");
        return Document.Create(page.GetString()!, fmt, metadata);
    }

    public static void Write(Utf8JsonWriter writer, Document document)
    {
        writer.WriteStartObject();
        writer.WriteString("page_content", document.PageContent);
        writer.WriteString("fmt_content", document.FmtContent);
        writer.WritePropertyName("metadata");
        WriteValue(writer, document.Metadata);
        writer.WriteEndObject();
    }

    /// <summary>
    /// JSON to metadata values: integers become long, other numbers double; a number too large for a double is
    /// ±infinity, as Python's json.loads reads 1e400. A repeated key keeps its last value, as a Python dict does.
    /// </summary>
    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        // The cast keeps a long a long: without it the conditional's type would be double for every number.
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l
            : element.TryGetDouble(out var d) ? d
            : element.GetRawText().StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.Object => ToDictionary(element),
        _ => null,
    };

    private static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var result = new Dictionary<string, object?>();
        foreach (var p in element.EnumerateObject()) result[p.Name] = ToValue(p.Value);
        return result;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case double d: WriteDouble(writer, d); break;
            case IReadOnlyDictionary<string, object?> dict:
                writer.WriteStartObject();
                foreach (var (key, item) in dict)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }
                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Document.PythonStr(value)); break; // e.g. big integers
        }
    }

    // JSON has no NaN or infinities (Utf8JsonWriter throws on them, and Python's json.dumps writes bare NaN, which
    // is not JSON), so they are written as the strings "NaN", "Infinity" and "-Infinity"; the file stays valid JSON
    // and reads back as those strings.
    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (double.IsFinite(d)) writer.WriteNumberValue(d);
        else writer.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    }
}
