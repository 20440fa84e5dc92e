namespace LocalRqa.Data;

/// <summary>Reads a document database file of one format.</summary>
internal interface IDocumentReader
{
    IReadOnlyList<Document> Read(string path);
}
