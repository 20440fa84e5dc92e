using System.Globalization;
using System.Numerics;
using System.Text;

namespace LocalRqa.Data;

/// <summary>
/// A passage of the document database, as LocalRQA's <c>local_rqa.schema.document.Document</c>: the raw text,
/// the text that retrievers embed (<see cref="FmtContent"/>), and metadata (strings, longs, doubles, bools,
/// nulls, lists and string-keyed dictionaries).
/// </summary>
public sealed record Document(string PageContent, string FmtContent, IReadOnlyDictionary<string, object?> Metadata)
{
    /// <summary>What makes two documents the same passage: metadata.source and page_content.</summary>
    public DocumentIdentity Identity => DocumentIdentity.Of(this);

    /// <summary>Builds a document as LocalRQA's <c>__post_init__</c> does: a missing or empty fmt_content is derived.</summary>
    public static Document Create(string pageContent, string? fmtContent, IReadOnlyDictionary<string, object?>? metadata)
    {
        metadata ??= new Dictionary<string, object?>();
        return new Document(pageContent, string.IsNullOrEmpty(fmtContent) ? DefaultFormat(pageContent, metadata) : fmtContent, metadata);
    }

    /// <summary>LocalRQA's default_document_formatter: "Source: …\nTitle: …\nContent:\n{page_content}", stripped.</summary>
    public static string DefaultFormat(string pageContent, IReadOnlyDictionary<string, object?> metadata)
    {
        var text = new StringBuilder();
        if (metadata.TryGetValue("source", out var source)) text.Append("Source: ").Append(PythonStr(source)).Append('\n');
        if (metadata.TryGetValue("title", out var title)) text.Append("Title: ").Append(PythonStr(title)).Append('\n');
        text.Append("Content:\n").Append(pageContent);
        return PythonStrip(text.ToString());
    }

    /// <summary>Python's str() of a metadata value, as an f-string would print it.</summary>
    internal static string PythonStr(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        long or int or BigInteger => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => double.IsInteger(d) && Math.Abs(d) < 1e16 ? d.ToString("0.0", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Python's str.strip(): .NET whitespace plus the separators \x1c-\x1f that Python also strips.</summary>
    internal static string PythonStrip(string text)
    {
        static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
        int start = 0, end = text.Length;
        while (start < end && IsSpace(text[start])) start++;
        while (end > start && IsSpace(text[end - 1])) end--;
        return text[start..end];
    }
}
