using LocalRqa.Json;

namespace LocalRqa.Data;

/// <summary>Loads and saves the document database that retrievers index.</summary>
internal static class DocumentDatabase
{
    /// <summary>Reads documents.pkl (LocalRQA), a JSONL file or a JSON array, chosen by extension, else by content.</summary>
    public static IReadOnlyList<Document> Load(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path} does not exist");
        return ReaderFor(path).Read(path);
    }

    public static IDocumentReader ReaderFor(string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".pkl" or ".pickle": return new PickleDocumentReader();
            case ".jsonl": return new JsonLinesDocumentReader();
        }
        return FirstSignificantByte(path) switch
        {
            0x80 => new PickleDocumentReader(), // PROTO opcode of pickle protocol 2+
            (byte)'[' => new JsonArrayDocumentReader(),
            (byte)'{' => new JsonLinesDocumentReader(),
            _ => throw new RqaException($"{path}: unknown document format (expected documents.pkl, JSONL or a JSON array)"),
        };
    }

    /// <summary>
    /// Writes one JSON object per line, the format <see cref="JsonLinesDocumentReader"/> reads. The file is written
    /// through a temporary sibling and renamed into place, so an interrupted save leaves the old file (or none), never
    /// half a database.
    /// </summary>
    public static void SaveJsonLines(string path, IEnumerable<Document> documents) =>
        JsonLinesFile.Write(path, documents, DocumentJson.Write);

    private static int FirstSignificantByte(string path)
    {
        using var stream = File.OpenRead(path);
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF) { } // whitespace, UTF-8 BOM
        return b;
    }
}
