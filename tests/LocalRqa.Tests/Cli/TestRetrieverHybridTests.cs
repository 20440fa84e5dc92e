using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa test-retriever --retriever_type hybrid` end to end on a Faire slice with the tiny fixture model: its predictions
/// are RankFusion of the dense run's and the BM25 run's own rankings, its settings come from the flags over the model
/// folder's hybrid_retrieval.json, and bad settings stop it in one line before it writes anything.
/// </summary>
public sealed class TestRetrieverHybridTests : IDisposable
{
    const int Depth = 10;
    readonly string work = Directory.CreateTempSubdirectory("rqa-test-retriever-hybrid-").FullName;
    readonly string documents;
    readonly string questions;
    readonly string model = TestPaths.Fixture("bert-tiny");

    public TestRetrieverHybridTests()
    {
        // 5 question lines (10 questions), their gold passages and 60 other passages.
        var slice = FaireSlice.EvalOnly(work, "eval_w_q.jsonl", 5, 60);
        (questions, documents) = (slice.Eval, slice.Documents);
    }

    public void Dispose() => Directory.Delete(work, true);

    CliRun Run(string output, params string[] extra) => CliRun.Of(
        ["test-retriever", "--embedding_model_name_or_path", model, "--document_path", documents, "--eval_data_path", questions,
         "--output_dir", output, "--test_bszv", "4", .. extra]);

    /// <summary>Each question's retrieved documents as database indices, best first.</summary>
    List<SearchHit[]> Rankings(string output)
    {
        var database = DocumentCollection.Load(documents, TextWriter.Null);
        return PredictionsFile.Read(Path.Combine(output, "test-predictions.jsonl"))
            .Select(p => p.Retrieved.Select(r => new SearchHit(database.IndexOf(r.Document.Identity), (float)r.Score)).ToArray())
            .ToList();
    }

    static List<int[]> Indices(IEnumerable<SearchHit[]> rankings) => rankings.Select(r => r.Select(h => h.Index).ToArray()).ToList();

    string RunOk(string name, params string[] extra)
    {
        var output = Path.Combine(work, name);
        var run = Run(output, extra);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return output;
    }

    [Fact]
    public void HybridPredictionsAreTheFusionOfTheDenseAndBm25Rankings()
    {
        // Each side's own ranking, as deep as the hybrid run's --hybrid_depth.
        var dense = Rankings(RunOk("dense", "--top_k", $"{Depth}"));
        var bm25 = Rankings(RunOk("bm25", "--retriever_type", "bm25", "--top_k", $"{Depth}"));
        Assert.All(dense.Concat(bm25), r => Assert.Equal(Depth, r.Length));
        Assert.All(dense.Concat(bm25), r => Assert.DoesNotContain(r, h => h.Index < 0));

        var output = RunOk("hybrid", "--retriever_type", "hybrid", "--hybrid_depth", $"{Depth}");
        var expected = dense.Zip(bm25, (d, b) => RankFusion.Fuse(d, b, new HybridSettings { Depth = Depth }, k: 4));
        Assert.Equal(Indices(expected), Indices(Rankings(output)));
        // The same rankings are what the sides disagree on: fusion is not just one of them.
        Assert.NotEqual(Indices(dense.Select(r => r.Take(4).ToArray())), Indices(bm25.Select(r => r.Take(4).ToArray())));

        foreach (var file in new[] { "all_args.json", "score.json", "test-predictions.jsonl", "test.log" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!;
        Assert.Equal("hybrid", args["test_args"]!["retriever_type"]!.GetValue<string>());
        var fusion = args["hybrid_args"]!;
        Assert.Equal(Depth, fusion["hybrid_depth"]!.GetValue<int>());
        Assert.Equal("rrf", fusion["fusion"]!.GetValue<string>());
        Assert.Equal(60.0, fusion["rrf_k"]!.GetValue<double>());
        Assert.Equal(0.5, fusion["hybrid_weight"]!.GetValue<double>());
        var log = File.ReadAllText(Path.Combine(output, "test.log"));
        Assert.Matches(@"latency per question: dense \d+(\.\d+)? ms, bm25 \d+(\.\d+)? ms, fusion \d+(\.\d+)? ms", log);
        Assert.Contains($"Hybrid fusion: rrf (k 60, dense weight 0.5, depth {Depth})", log);
        // A dense run's all_args.json stays LocalRQA's two groups.
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(work, "dense", "all_args.json")))!["hybrid_args"]);

        // Score fusion of the same rankings: min-max normalised scores, from the scores each run wrote.
        var scored = RunOk("score", "--retriever_type", "hybrid", "--hybrid_depth", $"{Depth}", "--fusion", "score", "--hybrid_weight", "0.3");
        var expectedScored = dense.Zip(bm25, (d, b) => RankFusion.Fuse(d, b, new HybridSettings { Depth = Depth, Fusion = FusionMethod.Score, Weight = 0.3 }, k: 4));
        Assert.Equal(Indices(expectedScored), Indices(Rankings(scored)));
    }

    [Fact]
    public void WeightOneIsDenseAndWeightZeroIsBm25()
    {
        var dense = Rankings(RunOk("dense", "--top_k", "4"));
        var bm25 = Rankings(RunOk("bm25", "--retriever_type", "bm25", "--top_k", "4"));
        Assert.Equal(Indices(dense), Indices(Rankings(RunOk("w1", "--retriever_type", "hybrid", "--hybrid_weight", "1"))));
        Assert.Equal(Indices(bm25), Indices(Rankings(RunOk("w0", "--retriever_type", "hybrid", "--hybrid_weight", "0"))));
    }

    [Fact]
    public void TheModelFoldersSettingsApplyUnlessAFlagOverridesThem()
    {
        var folder = Path.Combine(work, "model");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        new HybridSettings { Weight = 1, Depth = 20, RrfK = 30 }.Save(folder);
        var dense = Rankings(RunOk("dense", "--embedding_model_name_or_path", folder, "--top_k", "4"));
        var bm25 = Rankings(RunOk("bm25", "--retriever_type", "bm25", "--top_k", "4"));

        // Weight 1 from the file: the dense ranking.
        var recorded = RunOk("recorded", "--embedding_model_name_or_path", folder, "--retriever_type", "hybrid");
        Assert.Equal(Indices(dense), Indices(Rankings(recorded)));
        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(recorded, "all_args.json")))!["hybrid_args"]!;
        Assert.Equal(20, args["hybrid_depth"]!.GetValue<int>());
        Assert.Equal(30.0, args["rrf_k"]!.GetValue<double>());
        Assert.Equal(1.0, args["hybrid_weight"]!.GetValue<double>());
        Assert.Contains("hybrid_retrieval.json says rrf (k 30, dense weight 1, depth 20)", File.ReadAllText(Path.Combine(recorded, "test.log")));

        // --hybrid_weight 0 overrides the file's weight, the rest stays the file's.
        var overridden = RunOk("overridden", "--embedding_model_name_or_path", folder, "--retriever_type", "hybrid", "--hybrid_weight", "0");
        Assert.Equal(Indices(bm25), Indices(Rankings(overridden)));
        args = JsonNode.Parse(File.ReadAllText(Path.Combine(overridden, "all_args.json")))!["hybrid_args"]!;
        Assert.Equal(0.0, args["hybrid_weight"]!.GetValue<double>());
        Assert.Equal(20, args["hybrid_depth"]!.GetValue<int>());

        // A recorded depth below --top_k is refused like the flag.
        var refused = Run(Path.Combine(work, "refused"), "--embedding_model_name_or_path", folder, "--retriever_type", "hybrid", "--top_k", "25");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--hybrid_depth 20 is below --top_k 25", Assert.Single(refused.Stderr.Trim().Split('\n')));
        Assert.False(Directory.Exists(Path.Combine(work, "refused")));
    }

    [Theory]
    [InlineData("--rrf_k 0", "--rrf_k must be a positive number")]
    [InlineData("--hybrid_weight 1.5", "--hybrid_weight must be in [0, 1]")]
    [InlineData("--hybrid_weight auto", "--hybrid_weight auto is chosen on the eval questions during training")]
    [InlineData("--hybrid_depth 3", "--hybrid_depth 3 is below --top_k 4")]
    [InlineData("--embedding_model_name_or_path MISSING", "MISSING")]
    public void BadInputIsOneLineExitTwoAndWritesNothing(string flags, string expected)
    {
        var output = Path.Combine(work, "bad");
        var index = Path.Combine(work, "bad-index");
        var run = Run(output, ["--retriever_type", "hybrid", "--index_path", index, .. flags.Replace("MISSING", Path.Combine(work, "no-model")).Split(' ')]);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains(expected == "MISSING" ? Path.Combine(work, "no-model") : expected, line);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(index));
    }
}
