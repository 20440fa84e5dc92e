using System.Text.Json;
using LocalRqa.Data;
using LocalRqa.Tests.Pickles;

namespace LocalRqa.Tests.Data;

public sealed class DocumentDatabaseTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rqa-docs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathOf(string name) => Path.Combine(dir, name);

    private static string Faire(string file)
    {
        var path = Path.Combine(TestPaths.SharedDataRoot, "faire", file);
        Assert.True(File.Exists(path), $"shared data missing: {path} (set RQA_SHARED_DATA)");
        return path;
    }

    [Fact]
    public void LoadsFaireDocumentsPickle()
    {
        var documents = DocumentDatabase.Load(Faire("documents.pkl"));

        Assert.Equal(1758, documents.Count);
        Assert.All(documents, d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.FmtContent));
            Assert.Equal(["seq_num", "source", "subtitle", "title"], d.Metadata.Keys.Order(StringComparer.Ordinal));
            Assert.IsType<long>(d.Metadata["seq_num"]);
        });
        var first = documents[0];
        Assert.Equal("https://www.faire.com/support/articles/8978109378459", first.Metadata["source"]);
        Assert.StartsWith("Showroom is a collection", first.PageContent);
        // The stored fmt_content is exactly what LocalRQA's formatter derives for this passage.
        Assert.Equal(Document.DefaultFormat(first.PageContent, first.Metadata), first.FmtContent);
    }

    [Fact]
    public void EveryEvalGoldDocumentIsFoundByIdentity()
    {
        var identities = DocumentDatabase.Load(Faire("documents.pkl")).Select(d => d.Identity).ToHashSet();
        var lines = File.ReadLines(Faire("eval_w_q.jsonl")).Where(l => l.Length > 0).ToList();

        Assert.Equal(37, lines.Count);
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            using var json = JsonDocument.Parse(line);
            var gold = json.RootElement.GetProperty("gold_docs").EnumerateArray().Select(e => DocumentJson.Parse(e, $"eval:{i + 1}")).ToList();
            Assert.Single(gold);
            Assert.Contains(gold[0].Identity, identities);
        }
    }

    [Fact]
    public void DerivesFmtContentLikeLocalRqa()
    {
        var meta = new Dictionary<string, object?> { ["source"] = "https://x.test/a", ["title"] = "T", ["seq_num"] = 2L };
        Assert.Equal("Source: https://x.test/a\nTitle: T\nContent:\nbody", Document.Create("body\n", null, meta).FmtContent);

        // No source or title: only the "Content:" header; Python's strip() also removes the trailing \x1f.
        Assert.Equal("Content:\n  text", Document.Create("  text \n\x1f", "", new Dictionary<string, object?>()).FmtContent);

        // Non-string values print as Python's str() would.
        var odd = new Dictionary<string, object?> { ["source"] = 7L, ["title"] = null };
        Assert.Equal("Source: 7\nTitle: None\nContent:\nx", Document.Create("x", null, odd).FmtContent);

        // A given fmt_content is kept as is.
        Assert.Equal(" kept ", Document.Create("x", " kept ", meta).FmtContent);
    }

    [Fact]
    public void IdentityIsSourceAndPageContent()
    {
        var a = Document.Create("text", "fmt A", new Dictionary<string, object?> { ["source"] = "s", ["title"] = "1" });
        var b = Document.Create("text", "fmt B", new Dictionary<string, object?> { ["source"] = "s" });
        var c = Document.Create("text", null, new Dictionary<string, object?> { ["source"] = "other" });

        Assert.Equal(a.Identity, b.Identity);
        Assert.NotEqual(a.Identity, c.Identity);
    }

    [Fact]
    public void JsonLinesRoundTrip()
    {
        var documents = new[]
        {
            Document.Create("first “quoted” passage\nline two", null,
                new Dictionary<string, object?> { ["source"] = "a.html", ["seq_num"] = 3L, ["score"] = 0.5, ["tags"] = new List<object?> { "x", true, null } }),
            Document.Create("second", "custom fmt", new Dictionary<string, object?>()),
        };
        var path = PathOf("docs.jsonl");

        DocumentDatabase.SaveJsonLines(path, documents);
        var loaded = DocumentDatabase.Load(path);

        Assert.Equal(2, loaded.Count);
        for (var i = 0; i < documents.Length; i++)
        {
            Assert.Equal(documents[i].PageContent, loaded[i].PageContent);
            Assert.Equal(documents[i].FmtContent, loaded[i].FmtContent);
            Assert.Equivalent(documents[i].Metadata, loaded[i].Metadata, strict: true);
        }
        // Assert.Equivalent would accept 3.0 for 3L; JSON integers must read back as long, as the pickle reader gives.
        Assert.IsType<long>(loaded[0].Metadata["seq_num"]);
        Assert.IsType<double>(loaded[0].Metadata["score"]);
    }

    [Fact]
    public void NonFiniteMetadataIsWrittenAsStrings()
    {
        var meta = new Dictionary<string, object?>
        {
            ["nan"] = double.NaN, ["inf"] = double.PositiveInfinity, ["ninf"] = double.NegativeInfinity, ["ok"] = 0.25,
            ["nested"] = new List<object?> { double.NaN, new Dictionary<string, object?> { ["x"] = double.NegativeInfinity } },
        };
        var path = PathOf("nan.jsonl");

        DocumentDatabase.SaveJsonLines(path, [Document.Create("p", "f", meta)]);

        var line = Assert.Single(File.ReadAllLines(path));
        using var json = JsonDocument.Parse(line); // strict JSON: a bare NaN would not parse
        var written = json.RootElement.GetProperty("metadata");
        Assert.Equal("NaN", written.GetProperty("nan").GetString());
        Assert.Equal("Infinity", written.GetProperty("inf").GetString());
        Assert.Equal("-Infinity", written.GetProperty("ninf").GetString());
        Assert.Equal(0.25, written.GetProperty("ok").GetDouble());
        Assert.Equal("""["NaN",{"x":"-Infinity"}]""", written.GetProperty("nested").GetRawText());
        Assert.Equal("NaN", DocumentDatabase.Load(path)[0].Metadata["nan"]);
    }

    [Fact]
    public void InterruptedSaveKeepsTheOldFile()
    {
        var path = PathOf("docs.jsonl");
        DocumentDatabase.SaveJsonLines(path, [Document.Create("old", null, null)]);
        var before = File.ReadAllBytes(path);

        static IEnumerable<Document> FailingAfterOne()
        {
            yield return Document.Create("new", null, null);
            throw new IOException("disk went away");
        }

        Assert.Throws<RqaException>(() => DocumentDatabase.SaveJsonLines(path, FailingAfterOne()));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["docs.jsonl"], Directory.GetFiles(dir).Select(Path.GetFileName));

        // A first save that fails leaves no file at all rather than a partial one.
        var fresh = PathOf("fresh.jsonl");
        Assert.Throws<RqaException>(() => DocumentDatabase.SaveJsonLines(fresh, FailingAfterOne()));
        Assert.False(File.Exists(fresh));
    }

    [Fact]
    public void HugeNumbersAndRepeatedKeysReadAsPythonDoes()
    {
        var path = PathOf("odd.jsonl");
        File.WriteAllText(path, """{"page_content": "p", "metadata": {"big": 1e400, "neg": -1e400, "k": 1, "k": 2}}""" + "\n");

        var metadata = DocumentDatabase.Load(path)[0].Metadata;

        Assert.Equal(double.PositiveInfinity, metadata["big"]);
        Assert.Equal(double.NegativeInfinity, metadata["neg"]);
        Assert.Equal(2L, Assert.IsType<long>(metadata["k"]));
    }

    [Fact]
    public void ReadsJsonArrayAndDerivesMissingFields()
    {
        var path = PathOf("docs.json");
        File.WriteAllText(path, """[{"page_content": "p", "metadata": {"title": "T"}}, {"page_content": "q"}]""");

        var loaded = DocumentDatabase.Load(path);

        Assert.Equal("Title: T\nContent:\np", loaded[0].FmtContent);
        Assert.Empty(loaded[1].Metadata);
    }

    [Fact]
    public void MalformedLineErrorNamesFileAndLine()
    {
        var path = PathOf("bad.jsonl");
        File.WriteAllText(path, "{\"page_content\": \"ok\"}\n\n{\"page_content\": \"broken\"\n");

        var ex = Assert.Throws<RqaException>(() => DocumentDatabase.Load(path));

        Assert.StartsWith($"{path}:3: malformed JSON", ex.Message);
    }

    [Fact]
    public void MissingPageContentErrorNamesWhere()
    {
        var jsonl = PathOf("nopage.jsonl");
        File.WriteAllText(jsonl, "{\"page_content\": \"ok\"}\n{\"fmt_content\": \"x\"}\n");
        Assert.Equal($"{jsonl}:2: the document has no page_content string", Assert.Throws<RqaException>(() => DocumentDatabase.Load(jsonl)).Message);

        var json = PathOf("nopage.json");
        File.WriteAllText(json, "[{\"page_content\": \"ok\"}, {}]");
        Assert.Equal($"{json}[1]: the document has no page_content string", Assert.Throws<RqaException>(() => DocumentDatabase.Load(json)).Message);
    }

    [Fact]
    public void MissingFileIsAnRqaException()
    {
        var path = PathOf("absent.pkl");
        Assert.Equal($"{path} does not exist", Assert.Throws<RqaException>(() => DocumentDatabase.Load(path)).Message);
    }

    [Fact]
    public void PickleWithDisallowedGlobalIsRefused()
    {
        // A list whose item is posix.system('...') instead of a Document.
        var path = PathOf("evil.pkl");
        File.WriteAllBytes(path, new PickleWriter().Proto(4).EmptyList().Memoize().Mark()
            .Str("posix", shortForm: true).Str("system", shortForm: true).StackGlobal().Str("touch pwned", shortForm: true).Tuple1().Reduce()
            .Appends().Stop().ToArray());

        var ex = Assert.Throws<RqaException>(() => DocumentDatabase.Load(path));

        Assert.Equal($"refusing to load {path}: it references posix.system, which is not allowed", ex.Message);
    }

    [Fact]
    public void ReadsLangChainPydanticDocuments()
    {
        // pydantic v1 (protocol 2, fields set as set([...])) then v2 (protocol 4 EMPTY_SET), both wrapping '__dict__'.
        var w = new PickleWriter().Proto(2).EmptyList().Mark();
        w.Global("langchain.schema.document", "Document").EmptyTuple().NewObj()
            .EmptyDict().Mark()
            .Str("__dict__").EmptyDict().Mark()
            .Str("page_content").Str("v1 text")
            .Str("metadata").EmptyDict().Str("source").Str("s1").SetItem()
            .Str("type").Str("Document").SetItems()
            .Str("__fields_set__").Global("builtins", "set").EmptyList().Mark().Str("page_content").Str("metadata").Appends().Tuple1().Reduce()
            .SetItems().Build();
        w.Global("langchain_core.documents.base", "Document").EmptyTuple().NewObj()
            .EmptyDict().Mark()
            .Str("__dict__").EmptyDict().Mark()
            .Str("id").None()
            .Str("metadata").EmptyDict().Str("title").Str("T").SetItem()
            .Str("page_content").Str("v2 text").SetItems()
            .Str("__pydantic_extra__").None()
            .Str("__pydantic_fields_set__").EmptySet().Mark().Str("page_content").AddItems()
            .Str("__pydantic_private__").None()
            .SetItems().Build();
        var path = PathOf("langchain.pkl");
        File.WriteAllBytes(path, w.Appends().Stop().ToArray());

        var loaded = DocumentDatabase.Load(path);

        Assert.Equal("v1 text", loaded[0].PageContent);
        Assert.Equal("Source: s1\nContent:\nv1 text", loaded[0].FmtContent);
        Assert.Equal("Title: T\nContent:\nv2 text", loaded[1].FmtContent);
    }

    [Fact]
    public void InvalidUtf8InAPickledStringIsRefusedNamingTheFileAndOffset()
    {
        // A list of one dict document whose page_content is SHORT_BINUNICODE 'x' FF FE.
        var w = new PickleWriter().Proto(4).EmptyList().Mark().EmptyDict().Str("page_content", shortForm: true);
        var offset = w.ToArray().Length + 3; // the opcode, the length byte, then 'x'
        var path = PathOf("bad.pkl");
        File.WriteAllBytes(path, w.Raw([0x8c, 3, (byte)'x', 0xFF, 0xFE]).SetItem().Appends().Stop().ToArray());

        var ex = Assert.Throws<RqaException>(() => DocumentDatabase.Load(path));

        Assert.Equal($"cannot read {path}: it is not a valid pickle (invalid UTF-8 in a string at byte offset {offset}, 0xFF)", ex.Message);
    }

    [Fact]
    public void MultiByteTextReadsAsWrittenWithOrWithoutAByteOrderMark()
    {
        const string text = "café 日本 😀";
        var pickle = PathOf("multi.pkl");
        File.WriteAllBytes(pickle, new PickleWriter().Proto(4).EmptyList().Mark()
            .EmptyDict().Str("page_content", shortForm: true).Str(text, shortForm: true).SetItem().Appends().Stop().ToArray());
        Assert.Equal(text, DocumentDatabase.Load(pickle)[0].PageContent);

        byte[] bom = [0xEF, 0xBB, 0xBF];
        var line = System.Text.Encoding.UTF8.GetBytes($"{{\"page_content\": \"{text}\"}}");
        foreach (var (name, bytes) in new (string, byte[])[]
                 { ("plain.jsonl", line), ("bom.jsonl", [.. bom, .. line]), ("bom.json", [.. bom, (byte)'[', .. line, (byte)']']) })
        {
            File.WriteAllBytes(PathOf(name), bytes);
            Assert.Equal(text, DocumentDatabase.Load(PathOf(name))[0].PageContent);
        }
    }
}
