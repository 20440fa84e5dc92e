using System.Collections;
using LocalRqa.Pickles;

namespace LocalRqa.Data;

/// <summary>
/// Reads LocalRQA's <c>documents.pkl</c>: a pickled list of Document objects. LocalRQA's dataclass pickles its
/// fields as the BUILD state dict; LangChain's pydantic Document wraps them as <c>{'__dict__': {...},
/// '__fields_set__' | '__pydantic_fields_set__': set, ...}</c> (pydantic v1 / v2). Nothing else may be referenced.
/// </summary>
internal sealed class PickleDocumentReader : IDocumentReader
{
    private static readonly (string Module, string Name)[] DocumentClasses =
    [
        ("local_rqa.schema.document", "Document"),
        ("langchain.schema.document", "Document"),
        ("langchain_core.documents.base", "Document"),
    ];

    public IReadOnlyList<Document> Read(string path)
    {
        var unpickler = new SafeUnpickler(path);
        foreach (var (module, name) in DocumentClasses) unpickler.Allow(module, name, PickledObject.ConstructorFor(module, name));
        // Pydantic's fields-set is a set; protocol 2 pickles sets as set([...]), protocol 4 needs no global.
        static object? MakeSet(object?[] args) => args is [IEnumerable items] ? items.Cast<object?>().ToList() : new List<object?>();
        unpickler.Allow("builtins", "set", MakeSet).Allow("__builtin__", "set", MakeSet);

        var loaded = unpickler.Load(File.ReadAllBytes(path));
        if (loaded is not IList list || loaded is string)
            throw new RqaException($"{path} does not hold a list of documents");
        var documents = new List<Document>(list.Count);
        for (var i = 0; i < list.Count; i++) documents.Add(ToDocument(list[i], $"{path}[{i}]"));
        return documents;
    }

    private static Document ToDocument(object? item, string where)
    {
        var fields = item switch
        {
            PickledObject { State: var state } => FieldsOf(state),
            Hashtable dict => dict,
            _ => null,
        } ?? throw new RqaException($"{where}: not a document");

        if (fields["page_content"] is not string page) throw new RqaException($"{where}: the document has no page_content string");
        var fmt = fields["fmt_content"] as string;
        var metadata = fields["metadata"] switch
        {
            null => new Dictionary<string, object?>(),
            Hashtable dict => PickleValues.ToDictionary(dict),
            _ => throw new RqaException($"{where}: metadata is not a dict"),
        };
        return Document.Create(page, fmt, metadata);
    }

    private static Hashtable? FieldsOf(object? state) => state switch
    {
        Hashtable dict when dict["__dict__"] is Hashtable inner => inner, // pydantic v1 and v2
        Hashtable dict => dict,
        object[] pair => pair.OfType<Hashtable>().Select(FieldsOf).FirstOrDefault(f => f?.ContainsKey("page_content") == true), // (dict, slots)
        _ => null,
    };
}
