using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa prepare-ctxs --retriever hybrid`: each question's ctxs are the fused ranking of the dense model and BM25, gold first.</summary>
public sealed class PrepareCtxsHybridTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-prepare-ctxs-hybrid-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void CtxsAreTheFusedRanking()
    {
        var (_, eval, documentsPath) = FaireSlice.Create(work, "train_w_q.jsonl", 1, "eval_w_q.jsonl", 4, leadingDocuments: 60);
        var model = TestPaths.Fixture("bert-tiny");
        var output = Path.Combine(work, "ctxs.json");
        var run = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documentsPath, "--input", eval, "--output", output, "--n_context", "5",
            "--retriever", "hybrid", "--model_name_or_path", model, "--batch_size", "8", "--hybrid_depth", "10", "--hybrid_weight", "0.6");
        Assert.True(run.ExitCode == 0, run.Stderr);

        // The same retrievers, built as prepare-ctxs builds them and asked for the same questions in one call, then fused here.
        var documents = DocumentCollection.Load(documentsPath);
        var examples = ContextPreparation.WithQuestions(eval, RetrievalDataReader.Read(eval), TextWriter.Null);
        var questions = examples.Select(e => e.Question).ToList();
        using var encoder = SentenceEncoder.Load(model);
        using var dense = DenseRetriever.Build(encoder, documents, DenseRetriever.DefaultSimilarity(encoder), 8);
        var denseHits = dense.Retrieve(questions, 10);
        var bm25Hits = new Bm25Retriever(documents.Documents).Retrieve(questions, 10);
        var settings = new HybridSettings { Depth = 10, Weight = 0.6 };
        var expected = examples.Select((e, i) => ContextPreparation.Build(e, i, RankFusion.Fuse(denseHits[i], bm25Hits[i], settings, k: 5), documents, 5)).ToList();

        var written = DcaFileReader.Read(output);
        Assert.Equal(expected.Count, written.Count);
        for (var q = 0; q < expected.Count; q++)
        {
            Assert.Equal(5, written[q].Contexts.Count);
            // The fused RRF scores are pure C# arithmetic on the same ranks: bit-identical.
            Assert.Equal(expected[q].Contexts.Select(c => (c.Id, c.Text, c.Score)), written[q].Contexts.Select(c => (c.Id, c.Text, c.Score)));
        }
        // Fused: neither side alone gives these ctxs for every question.
        var denseOnly = examples.Select((e, i) => ContextPreparation.Build(e, i, denseHits[i].Take(5).ToArray(), documents, 5).Contexts.Select(c => c.Id));
        var bm25Only = examples.Select((e, i) => ContextPreparation.Build(e, i, bm25Hits[i].Take(5).ToArray(), documents, 5).Contexts.Select(c => c.Id));
        var fused = written.Select(q => q.Contexts.Select(c => c.Id)).ToList();
        Assert.False(fused.Zip(denseOnly).All(p => p.First.SequenceEqual(p.Second)) && fused.Zip(bm25Only).All(p => p.First.SequenceEqual(p.Second)));
    }

    [Fact]
    public void HybridNeedsAModelAndADepthReachingNContext()
    {
        var (_, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 1, "eval_w_q.jsonl", 2, leadingDocuments: 10);
        var output = Path.Combine(work, "out", "ctxs.json");
        var noModel = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--input", eval, "--output", output, "--retriever", "hybrid");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("--retriever hybrid needs --model_name_or_path (its dense side)", Assert.Single(noModel.Stderr.Trim().Split('\n')));
        var shallow = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--input", eval, "--output", output, "--retriever", "hybrid",
            "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--n_context", "8", "--hybrid_depth", "5");
        Assert.Equal(2, shallow.ExitCode);
        Assert.Contains("--hybrid_depth 5 is below --n_context 8", Assert.Single(shallow.Stderr.Trim().Split('\n')));
        Assert.False(Directory.Exists(Path.Combine(work, "out")));
    }
}
