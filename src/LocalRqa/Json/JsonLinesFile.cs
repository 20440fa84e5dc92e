using System.Text.Encodings.Web;
using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Json;

/// <summary>Writes JSON Lines atomically, one object per item, text escaped as Python's ensure_ascii=False.</summary>
internal static class JsonLinesFile
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write<T>(string path, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeItem) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, Options);
            foreach (var item in items)
            {
                writeItem(writer, item);
                writer.Flush();
                stream.WriteByte((byte)'\n');
                writer.Reset();
            }
        });
}
