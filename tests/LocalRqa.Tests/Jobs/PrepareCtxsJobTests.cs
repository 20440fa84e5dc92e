using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Jobs;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Jobs;

/// <summary>`rqa prepare-ctxs` on a slice of the Faire data: BM25 and the tiny dense fixture.</summary>
public sealed class PrepareCtxsJobTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-prepare-ctxs-").FullName;
    readonly string documents;
    readonly string questions;

    public PrepareCtxsJobTests()
    {
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        questions = Path.Combine(work, "eval_w_qa.jsonl");
        File.WriteAllLines(questions, File.ReadLines(Path.Combine(faire, "eval_w_qa.jsonl")).Take(6));
        var gold = RetrievalDataReader.Read(questions).SelectMany(e => e.GoldDocs).Select(d => d.Identity).ToHashSet();
        var all = DocumentDatabase.Load(Path.Combine(faire, "documents.pkl"));
        documents = Path.Combine(work, "docs.jsonl");
        DocumentDatabase.SaveJsonLines(documents, all.Where((d, i) => i < 80 || gold.Contains(d.Identity)));
    }

    public void Dispose() => Directory.Delete(work, true);

    [Theory]
    [InlineData("bm25")]
    [InlineData("dense")]
    public void GoldPassageComesFirstWithNContextCtxs(string retriever)
    {
        var request = new PrepareCtxsRequest
        {
            DocumentPath = documents, Inputs = [questions], Retriever = retriever, NContext = 5, BatchSize = 8,
            ModelNameOrPath = retriever == "dense" ? TestPaths.Fixture("bert-tiny") : null,
        };
        var written = Assert.Single(PrepareCtxsJob.Run(request, new StringWriter(), resolveModel: m => m));
        Assert.Equal(Path.Combine(work, "eval_w_qa_ctxs.json"), written);

        var examples = RetrievalDataReader.Read(questions);
        var prepared = DcaFileReader.Read(written, nContext: 5);
        Assert.Equal(examples.Count, prepared.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            Assert.Equal(examples[i].Question, prepared[i].Question);
            Assert.Equal(5, prepared[i].Contexts.Count);
            Assert.Equal(examples[i].GoldDocs[0].PageContent, prepared[i].Contexts[0].Text); // first even after the score sort
            Assert.Equal(1, prepared[i].Contexts.Count(c => c.Text == examples[i].GoldDocs[0].PageContent));
            Assert.Equal([examples[i].GoldAnswer!], prepared[i].Answers);
            Assert.NotEqual("", prepared[i].Contexts[0].Title); // Faire documents have metadata.title
        }
    }

    [Fact]
    public void InsertedGoldDropsTheLastRetrievedAndMovedGoldIsNotRepeated()
    {
        var docs = DocumentCollection.Load(documents);
        var example = RetrievalDataReader.Read(questions)[0];
        var goldIndex = docs.IndexOf(example.GoldDocs[0].Identity);
        var others = Enumerable.Range(0, docs.Count).Where(i => i != goldIndex).Take(3).ToArray();
        var notRetrieved = ContextPreparation.Build(example, 0, others.Select((d, r) => new LocalRqa.Indexing.SearchHit(d, 3 - r)).ToArray(), docs, 3);
        Assert.Equal([goldIndex.ToString(), others[0].ToString(), others[1].ToString()], notRetrieved.Contexts.Select(c => c.Id));
        Assert.Equal([3.0, 3.0, 2.0], notRetrieved.Contexts.Select(c => c.Score)); // the gold gets the top score

        var hits = new[] { new LocalRqa.Indexing.SearchHit(others[0], 3), new(goldIndex, 2), new(others[1], 1) };
        var retrieved = ContextPreparation.Build(example, 0, hits, docs, 3);
        Assert.Equal([goldIndex.ToString(), others[0].ToString(), others[1].ToString()], retrieved.Contexts.Select(c => c.Id));
    }

    [Fact]
    public void BadRequestsFailWithOneLine()
    {
        var request = new PrepareCtxsRequest { DocumentPath = documents, Inputs = [questions], Retriever = "dense" };
        Assert.Contains("--model_name_or_path", Assert.Throws<RqaException>(() => PrepareCtxsJob.Run(request, new StringWriter())).Message);
        var two = request with { Retriever = "bm25", Inputs = [questions, questions], Output = Path.Combine(work, "x.json") };
        Assert.Contains("--output", Assert.Throws<RqaException>(() => PrepareCtxsJob.Run(two, new StringWriter())).Message);
    }
}
