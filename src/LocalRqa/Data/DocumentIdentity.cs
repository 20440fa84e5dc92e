namespace LocalRqa.Data;

/// <summary>
/// LocalRQA's notion of "the same document": equal <c>metadata.source</c> and equal <c>page_content</c>
/// (fmt_content and the other metadata may differ, e.g. between documents.pkl and a dataset's gold_docs).
/// </summary>
public readonly record struct DocumentIdentity(string? Source, string PageContent)
{
    /// <summary>The identity of <paramref name="document"/>: its metadata.source as Python prints it (null without one) and its page_content.</summary>
    public static DocumentIdentity Of(Document document) =>
        new(document.Metadata.TryGetValue("source", out var source) && source is not null ? Document.PythonStr(source) : null,
            document.PageContent);
}
