using System.Text.Json;
using LocalRqa.Files;

namespace LocalRqa.Data;

/// <summary>Reads one <c>{page_content, fmt_content?, metadata?}</c> object per line; blank lines are skipped.</summary>
internal sealed class JsonLinesDocumentReader : IDocumentReader
{
    public IReadOnlyList<Document> Read(string path)
    {
        var documents = new List<Document>();
        var lineNumber = 0;
        foreach (var line in Utf8TextFile.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var where = $"{path}:{lineNumber}";
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new RqaException($"{where}: malformed JSON ({ex.Message})", ex);
            }
            using (json) documents.Add(DocumentJson.Parse(json.RootElement, where));
        }
        return documents;
    }
}
