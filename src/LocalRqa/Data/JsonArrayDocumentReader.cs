using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data;

/// <summary>Reads a JSON array of <c>{page_content, fmt_content?, metadata?}</c> objects.</summary>
internal sealed class JsonArrayDocumentReader : IDocumentReader
{
    public IReadOnlyList<Document> Read(string path)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(Utf8TextFile.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new RqaException($"{path}:{(ex.LineNumber ?? 0) + 1}: malformed JSON ({ex.Message})", ex);
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Array) throw new RqaException($"{path}: expected a JSON array of documents");
            return json.RootElement.EnumerateArray().Select((element, i) => DocumentJson.Parse(element, $"{path}[{i}]")).ToList();
        }
    }
}
