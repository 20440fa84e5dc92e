namespace LocalRqa.Data;

/// <summary>
/// A loaded document database with lookup by identity (metadata.source + page_content). Documents that repeat
/// an earlier identity are dropped with a warning, as two entries for one passage would split its retrieval
/// score and make metrics ambiguous.
/// </summary>
public sealed class DocumentCollection
{
    readonly Dictionary<DocumentIdentity, int> indexOf = new();

    /// <summary>The file it was loaded from (or the name given), for messages.</summary>
    public string Path { get; }
    /// <summary>The documents in file order, repeats dropped: a search hit's index is a position in this list.</summary>
    public IReadOnlyList<Document> Documents { get; }
    /// <summary>How many entries of the file were dropped as repeats of an earlier identity.</summary>
    public int DuplicatesDropped { get; }

    /// <param name="path">where the documents came from, for messages</param>
    /// <param name="documents">the documents; a repeat of an earlier identity is dropped</param>
    /// <param name="log">where the warning about repeats goes; null: nowhere</param>
    /// <exception cref="RqaException">there are no documents</exception>
    public DocumentCollection(string path, IReadOnlyList<Document> documents, TextWriter? log = null)
    {
        Path = path;
        if (documents.Count == 0) throw new RqaException($"{path}: the document database is empty");
        var kept = new List<Document>(documents.Count);
        var firstDuplicates = new List<int>();
        for (var i = 0; i < documents.Count; i++)
        {
            if (indexOf.TryAdd(documents[i].Identity, kept.Count)) kept.Add(documents[i]);
            else if (firstDuplicates.Count < 5) firstDuplicates.Add(i);
        }
        Documents = kept;
        DuplicatesDropped = documents.Count - kept.Count;
        if (DuplicatesDropped > 0)
            log?.WriteLine($"warning: {path}: {DuplicatesDropped} documents repeat an earlier one (same metadata.source and page_content) " +
                           $"and were dropped, e.g. entries {string.Join(", ", firstDuplicates)}");
    }

    /// <summary>Reads LocalRQA's documents.pkl, a JSONL file or a JSON list of {page_content, fmt_content?, metadata?}.</summary>
    /// <param name="path">the database file</param>
    /// <param name="log">where the warning about repeats goes; null: nowhere</param>
    /// <exception cref="RqaException">the file is missing, empty, or in none of these formats</exception>
    public static DocumentCollection Load(string path, TextWriter? log = null) => new(path, DocumentDatabase.Load(path), log);

    /// <summary>The number of documents (repeats dropped).</summary>
    public int Count => Documents.Count;

    /// <summary>The position of the document with this identity, or -1.</summary>
    public int IndexOf(DocumentIdentity identity) => indexOf.TryGetValue(identity, out var i) ? i : -1;
}
