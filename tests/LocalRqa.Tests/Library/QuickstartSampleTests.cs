using System.Text.Json.Nodes;
using LibraryQuickstart;
using LocalRqa.Library;
using LocalRqa.Tests.Cli;

namespace LocalRqa.Tests.Library;

/// <summary>
/// The library's worked example (examples/LibraryQuickstart, shown in docs/library.md) runs on a slice of the example
/// data with the tiny fixture model, its numbers are real and are the numbers `rqa test-retriever` reports for the same inputs,
/// and the document's code is the sample's.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)] // the sample trains: it seeds libtorch's global generator
public sealed class QuickstartSampleTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-quickstart-").FullName;
    readonly string model = TestPaths.Fixture("bert-tiny");
    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void SampleRunsAndAgreesWithTheCommandLine()
    {
        // The example data cut small, so that the seven embedding passes below take seconds: every eval question (73),
        // the first 20 training lines (enough for 2 batches of 8), their gold passages and the first 150 passages.
        var slice = FaireSlice.Create(work, "train_w_q.jsonl", 20, "eval_w_q.jsonl", 37, 150);
        var (documents, eval) = (slice.Documents, slice.Eval);
        var log = new StringWriter();
        const int steps = 2;
        var result = Quickstart.Run(model, documents, slice.Train, eval, work, steps, log);

        Assert.Equal(48, result.Dimension); // bert-tiny's hidden size
        Assert.Equal(4, result.HybridHits.Select(h => h.Index).Distinct().Count());
        Assert.False(string.IsNullOrEmpty(result.BestPassage));
        Assert.Contains("reusing the index", log.ToString()); // the hybrid's dense side loaded the saved index
        foreach (var scores in new[] { result.Dense, result.Bm25, result.Hybrid, result.Trained })
        {
            Assert.Equal(73, scores.QuestionCount);
            Assert.InRange(scores.Recall1, 0, 1);
            Assert.InRange(scores.Recall4, scores.Recall1, 1); // all gold in the top 1 implies all gold in the top 4
        }
        Assert.True(result.Bm25.Recall4 > 0.5, $"BM25's recall@4 on Faire's eval questions is 0.86 over the whole database, got {result.Bm25.Recall4}");

        var trained = result.Training;
        Assert.Equal(steps, trained.GlobalStep);
        Assert.False(trained.StoppedEarly);
        Assert.True(File.Exists(Path.Combine(trained.OutputDir, "model.safetensors")));
        Assert.NotNull(trained.BaseEvaluation);
        Assert.Contains(trained.LogHistory, e => e.ContainsKey("loss"));
        // The exported folder runs in ONNX Runtime and embeds as the trained model does (docs/manual/export.md's tolerance).
        using (var session = new LocalRqa.Tests.Export.ExportedModelSession(result.OnnxFolder))
        using (var tuned = EmbeddingModel.Load(trained.OutputDir))
        {
            var question = "How do I return an order?";
            var onnx = session.Embed(session.Tokenize([question], LocalRqa.Encoders.PromptKind.Query))[0];
            var torch = tuned.EncodeQueries([question])[0];
            double dot = 0, a = 0, b = 0;
            for (var i = 0; i < torch.Length; i++) { dot += (double)onnx[i] * torch[i]; a += (double)onnx[i] * onnx[i]; b += (double)torch[i] * torch[i]; }
            Assert.True(dot / Math.Sqrt(a * b) >= 0.99999, $"cosine {dot / Math.Sqrt(a * b)}");
        }

        // The same inputs through the command line: BM25's numbers are pure C# arithmetic (equal); the dense and hybrid
        // rankings embed with the same batches as the CLI (--test_bszv 8, the library's default too), so they agree to
        // float rounding, which can only swap near-tied documents: one question's worth (1/73) is the tolerance.
        var oneQuestion = 1.0 / 73 + 1e-9;
        AssertSameMetrics(result.Bm25, TestRetriever("bm25", "--retriever_type", "bm25"), 0);
        AssertSameMetrics(result.Dense, TestRetriever("dense"), oneQuestion);
        AssertSameMetrics(result.Hybrid, TestRetriever("hybrid", "--retriever_type", "hybrid"), oneQuestion);
        AssertSameMetrics(result.Trained, TestRetriever("trained", "--embedding_model_name_or_path", trained.OutputDir), oneQuestion);

        JsonObject TestRetriever(string name, params string[] extra)
        {
            var output = Path.Combine(work, "cli-" + name);
            var run = CliRun.Of(["test-retriever", "--embedding_model_name_or_path", model, "--document_path", documents, "--eval_data_path", eval,
                "--output_dir", output, .. extra]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "score.json")))!.AsObject();
        }
    }

    static void AssertSameMetrics(RetrievalScores library, JsonObject cli, double tolerance)
    {
        foreach (var name in new[] { RetrievalScores.Recall1Name, RetrievalScores.Recall4Name, "test_retr/ranking/mrr@10", "test_retr/ranking/recall@10" })
            Assert.True(Math.Abs(library.All[name] - cli[name]!.GetValue<double>()) <= tolerance,
                $"{name}: library {library.All[name]}, rqa test-retriever {cli[name]}");
        // Every metric name the CLI writes, the library reports.
        Assert.Empty(cli.Select(kv => kv.Key).Except(library.All.Keys));
    }

    [Fact]
    public void TheDocumentsCodeIsTheSamplesCode()
    {
        var sample = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "examples", "LibraryQuickstart", "Quickstart.cs"));
        var start = Array.FindIndex(sample, l => l.Trim() == "// <quickstart>");
        var end = Array.FindIndex(sample, l => l.Trim() == "// </quickstart>");
        Assert.True(start >= 0 && end > start, "Quickstart.cs lost its quickstart markers");
        var region = sample[(start + 1)..end];
        var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        var expected = region.Select(l => l.Length >= indent ? l[indent..] : l.Trim()).ToArray();

        var doc = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "library.md"));
        var marker = Array.FindIndex(doc, l => l.Trim() == "<!-- quickstart: examples/LibraryQuickstart/Quickstart.cs -->");
        Assert.True(marker >= 0 && doc[marker + 1] == "```csharp", "docs/library.md lost the marked code block");
        var close = Array.IndexOf(doc, "```", marker + 2);
        Assert.Equal(string.Join("\n", expected), string.Join("\n", doc[(marker + 2)..close]));
    }
}
