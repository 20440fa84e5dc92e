using LocalRqa.Data;

namespace LocalRqa.Tests.Data;

public sealed class RetrievalDataReaderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-evaldata-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    string Faire(string file) => Path.Combine(TestPaths.SharedDataRoot, "faire", file);

    string Write(string name, params string[] lines)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void QuestionListsAreFlattenedAsLocalRqaDoes()
    {
        var examples = RetrievalDataReader.Read(Faire("eval_w_q.jsonl"));
        Assert.Equal(73, examples.Count); // 37 lines, two questions per gold passage (one line has one)
        Assert.All(examples, e => Assert.Single(e.GoldDocs));
        Assert.All(examples, e => Assert.Equal(2, e.HardNegDocs.Count));
        Assert.Equal(examples[0].GoldDocs, examples[1].GoldDocs); // both questions of line 1 share its gold passage
        Assert.Equal(1, examples[1].Line);
    }

    [Fact]
    public void EmptyQuestionsAreKeptAsLocalRqaKeepsThem()
    {
        var examples = RetrievalDataReader.Read(Faire("train_w_q.jsonl"));
        Assert.Equal(575, examples.Count);
        Assert.Single(examples, e => e.Question == "");
    }

    [Fact]
    public void SingleQuestionFilesKeepAnswers()
    {
        var examples = RetrievalDataReader.Read(Faire("eval_w_qa.jsonl"));
        Assert.Equal(73, examples.Count);
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.GoldAnswer)));
    }

    [Fact]
    public void JsonListFilesAreRead()
    {
        var path = Path.Combine(dir, "data.json");
        File.WriteAllText(path, """[{"question": "q1", "gold_docs": [{"page_content": "p", "metadata": {"source": "s"}}]}]""");
        var example = Assert.Single(RetrievalDataReader.Read(path));
        Assert.Equal("q1", example.Question);
        Assert.Equal("Source: s\nContent:\np", example.GoldDocs[0].FmtContent);
    }

    [Theory]
    [InlineData("{\"questions\": [\"q\"]", "bad.jsonl:2: invalid JSON")]
    [InlineData("{\"questions\": [\"q\"]}", "bad.jsonl:2: missing field 'gold_docs'")]
    [InlineData("{\"questions\": [\"q\"], \"gold_docs\": []}", "bad.jsonl:2: 'gold_docs' is empty")]
    [InlineData("{\"gold_docs\": [{\"page_content\": \"p\"}]}", "bad.jsonl:2: missing field 'questions' or 'question'")]
    [InlineData("{\"questions\": [3], \"gold_docs\": [{\"page_content\": \"p\"}]}", "bad.jsonl:2: field 'questions[0]' must be a string")]
    [InlineData("{\"question\": \"q\", \"gold_docs\": [{\"text\": \"p\"}]}", "bad.jsonl:2: gold_docs[0]: the document has no page_content")]
    [InlineData("[1, 2]", "bad.jsonl:2: expected a JSON object")]
    public void MalformedLinesNameFileAndLine(string second, string expected)
    {
        var path = Write("bad.jsonl", """{"question": "fine", "gold_docs": [{"page_content": "p"}]}""", second);
        var e = Assert.Throws<RqaException>(() => RetrievalDataReader.Read(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DuplicateDocumentsAreDroppedWithAWarning()
    {
        var path = Path.Combine(dir, "docs.jsonl");
        File.WriteAllLines(path,
        [
            """{"page_content": "a", "metadata": {"source": "s1"}}""",
            """{"page_content": "b", "metadata": {"source": "s1"}}""",
            """{"page_content": "a", "fmt_content": "other formatting", "metadata": {"source": "s1"}}""",
            """{"page_content": "a", "metadata": {"source": "s2"}}""",
        ]);
        var log = new StringWriter();
        var collection = DocumentCollection.Load(path, log);
        Assert.Equal(3, collection.Count);
        Assert.Equal(1, collection.DuplicatesDropped);
        Assert.Contains("1 documents repeat an earlier one", log.ToString());
        Assert.Equal(0, collection.IndexOf(new DocumentIdentity("s1", "a")));
        Assert.Equal(2, collection.IndexOf(new DocumentIdentity("s2", "a")));
        Assert.Equal(-1, collection.IndexOf(new DocumentIdentity("s3", "a")));
    }

    [Fact]
    public void AnEmptyDatabaseIsAnError()
    {
        var path = Write("empty.jsonl", "");
        var e = Assert.Throws<RqaException>(() => DocumentCollection.Load(path));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void EveryFaireGoldDocumentIsInTheDatabase()
    {
        var collection = DocumentCollection.Load(Path.Combine(TestPaths.SharedDataRoot, "faire", "documents.pkl"));
        // 1,758 entries; entries 1715 and 1719 share source and page_content (only their subtitle differs).
        Assert.Equal(1757, collection.Count);
        Assert.Equal(1, collection.DuplicatesDropped);
        foreach (var example in RetrievalDataReader.Read(Faire("train_w_q.jsonl")))
            Assert.True(collection.IndexOf(example.GoldDocs[0].Identity) >= 0, example.Question);
    }
}
