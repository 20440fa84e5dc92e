using LocalRqa.Data;
using LocalRqa.Data.Dca;

namespace LocalRqa.Tests.Data.Dca;

public sealed class DcaInputsTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-dca-inputs-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    static Document Doc(string source, string title, string text) =>
        Document.Create(text, null, new Dictionary<string, object?> { ["source"] = source, ["title"] = title });

    readonly DocumentCollection documents = new("mem", [
        Doc("s1", "Shipping", "ship it"),
        Doc("s2", "Returns", "same text"),
        Doc("s3", "Refunds", "same text"),
    ]);

    string Write(string name, string text)
    {
        var path = Path.Combine(work, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TellsDcaFilesFromLocalRqaFiles()
    {
        Assert.True(DcaInputs.HasContexts(Write("a.json", """[{"question": "q", "ctxs": [{"text": "x"}]}]""")));
        Assert.True(DcaInputs.HasContexts(Write("b.jsonl", "\n{\"question\": \"q\", \"ctxs\": []}\n")));
        Assert.False(DcaInputs.HasContexts(Write("c.jsonl", """{"questions": ["q"], "gold_docs": []}""")));
        Assert.Contains("invalid JSON", Assert.Throws<RqaException>(() => DcaInputs.HasContexts(Write("d.json", "[{"))).Message);
    }

    [Fact]
    public void WithoutGoldDocsTheFirstCtxIsTheGoldMatchedByTextThenTitle()
    {
        var path = Write("eval.json", """
            [{"id": "1", "question": "how to ship", "ctxs": [{"title": "Shipping", "text": "ship it", "score": 2}, {"title": "Returns", "text": "same text", "score": 1}]},
             {"id": "2", "question": "refund?", "ctxs": [{"title": "Refunds", "text": "same text", "score": 3}]}]
            """);
        var examples = DcaInputs.ToRetrievalExamples(DcaFileReader.Read(path), documents, path);
        Assert.Equal(["how to ship", "refund?"], examples.Select(e => e.Question));
        Assert.Equal("s1", examples[0].GoldDocs.Single().Metadata["source"]);
        Assert.Equal("s3", examples[1].GoldDocs.Single().Metadata["source"]); // same text as s2: the title decides
    }

    [Fact]
    public void AFirstCtxOutsideTheDatabaseIsAClearError()
    {
        var path = Write("eval.json", """[{"id": "7", "question": "q", "ctxs": [{"title": "X", "text": "not in the database"}]}]""");
        var error = Assert.Throws<RqaException>(() => DcaInputs.ToRetrievalExamples(DcaFileReader.Read(path), documents, path));
        Assert.Contains($"{path}: question 7 has no gold_docs and its first ctx is not in the document database", error.Message);
    }
}
