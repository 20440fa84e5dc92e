using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// The trainers' hybrid retrieval (issue 14) on tiny CTL runs: the final table of base dense, saved dense, BM25 and
/// the two hybrids against independent computations, `--hybrid_weight auto`, `--eval_retriever hybrid`,
/// hybrid_retrieval.json, and bad fusion flags.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainHybridComparisonTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-train-hybrid-").FullName;
    readonly string train, eval, documents;

    public TrainHybridComparisonTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 12, "eval_w_q.jsonl", 12, leadingDocuments: 60);
    }

    public void Dispose() => Directory.Delete(work, true);

    CliRun Train(string output, params string[] extra) => CliRun.Of(
        ["train", "ctl", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--full_dataset_file_path", documents, "--train_file", train,
         "--eval_file", eval, "--output_dir", output, "--per_device_train_batch_size", "8", "--per_device_eval_batch_size", "16",
         "--max_steps", "4", "--eval_steps", "2", "--save_steps", "2", "--logging_steps", "1", "--learning_rate", "1e-3",
         "--hard_neg_ratio", "0.25", .. extra]);

    static readonly string[] Roles = ["base_dense", "saved_dense", "bm25", "hybrid_base", "hybrid_saved"];

    static Dictionary<string, JsonObject> Rows(string output)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RetrieverComparison.FileName)))!;
        var rows = json["retrievers"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(Roles, rows.Select(r => r["retriever"]!.GetValue<string>()));
        return rows.ToDictionary(r => r["retriever"]!.GetValue<string>());
    }

    static Dictionary<string, double> Metrics(JsonObject row) =>
        row["metrics"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());

    /// <summary>Rates over the same 12 questions computed the same way: equal up to summation order.</summary>
    static void SameMetrics(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual, string what)
    {
        Assert.NotEmpty(actual);
        foreach (var (key, value) in actual) Tolerance.Close(expected[key], value, 0, 1e-12, $"{what} {key}");
    }

    DocumentCollection Documents() => DocumentCollection.Load(documents);

    /// <summary>A hybrid of <paramref name="model"/> and BM25 evaluated as `rqa test-retriever` would: the independent computation.</summary>
    Dictionary<string, double> HybridEvaluation(SentenceEncoder model, Similarity similarity, HybridSettings settings)
    {
        var docs = Documents();
        using var hybrid = new HybridRetriever(DenseRetriever.Build(model, docs, similarity, 16), new Bm25Retriever(docs.Documents), settings);
        var scores = new RetrieverEvaluator(RetrievalDataReader.Read(eval), docs, new EvaluatorOptions { BatchSize = 16, BootstrapResamples = 10 })
            .Evaluate(hybrid, "eval").Scores;
        return FusedEvaluation.Quality(scores);
    }

    [Fact]
    public void TheFinalTableComparesFiveRetrieversAndAutoPicksTheBestWeight()
    {
        var output = Path.Combine(work, "auto");
        var run = Train(output, "--hybrid_weight", "auto");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = Rows(output);
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!;
        var evaluations = state["log_history"]!.AsArray().Where(e => e!["eval_retr/document_recall/recall4"] is not null)
            .ToDictionary(e => e!["step"]!.GetValue<int>(), e => e!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()));
        var savedStep = int.Parse(Path.GetFileName(state["best_model_checkpoint"]!.GetValue<string>())["checkpoint-".Length..], CultureInfo.InvariantCulture);

        // Dense rows: the evaluations training logged (dense by default), at step 0 and at the saved step.
        SameMetrics(evaluations[0], Metrics(rows["base_dense"]), "base dense");
        SameMetrics(evaluations[savedStep], Metrics(rows["saved_dense"]), "saved dense");
        // BM25: the retriever itself.
        var docs = Documents();
        var bm25 = new RetrieverEvaluator(RetrievalDataReader.Read(eval), docs, new EvaluatorOptions { BatchSize = 16, BootstrapResamples = 10 })
            .Evaluate(new Bm25Retriever(docs.Documents), "eval").Scores;
        SameMetrics(bm25, Metrics(rows["bm25"]), "bm25");

        // Hybrid rows: HybridRetriever over the base model and over the saved folder, at the weights auto chose.
        double Weight(string role) => rows[role]["fusion"]!["hybrid_weight"]!.GetValue<double>();
        using (var baseModel = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean }))
            SameMetrics(HybridEvaluation(baseModel, Similarity.Dot, new HybridSettings { Weight = Weight("hybrid_base") }),
                Metrics(rows["hybrid_base"]), "hybrid(base)");
        var recorded = HybridSettings.TryLoad(output)!;
        Assert.Equal(Weight("hybrid_saved"), recorded.Weight);
        Assert.Equal(new HybridSettings { Weight = recorded.Weight }, recorded);
        using (var saved = SentenceEncoder.Load(output))
        {
            SameMetrics(HybridEvaluation(saved, DenseRetriever.DefaultSimilarity(saved), recorded), Metrics(rows["hybrid_saved"]), "hybrid(saved)");
            // Auto: each candidate's metric is that weight's hybrid, and the chosen one is their argmax (ties to 0.5).
            const string metric = "eval_retr/document_recall/recall4";
            var candidates = rows["hybrid_saved"]["hybrid_weight_candidates"]!.AsArray()
                .Select(c => new WeightCandidate(c!["hybrid_weight"]!.GetValue<double>(), c[metric]!.GetValue<double>())).ToList();
            Assert.Equal(HybridWeightSearch.Candidates, candidates.Select(c => c.Weight));
            var direct = candidates.Select(c => new WeightCandidate(c.Weight,
                HybridEvaluation(saved, DenseRetriever.DefaultSimilarity(saved), new HybridSettings { Weight = c.Weight })[metric])).ToList();
            for (var i = 0; i < direct.Count; i++) Tolerance.Close(direct[i].Metric, candidates[i].Metric, 0, 1e-12, $"w {direct[i].Weight}");
            Assert.Equal(HybridWeightSearch.Choose(direct, greaterIsBetter: true), recorded.Weight);
        }

        // The log's table (each line stamped "[time] INFO - ") and the card: five rows, each margin the row's value minus the base model's.
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("--hybrid_weight auto for hybrid(base + BM25): chose", log);
        Assert.Contains($"--hybrid_weight auto for hybrid(step {savedStep} + BM25): chose", log);
        var card = File.ReadAllText(Path.Combine(output, "README.md"));
        var names = new[] { "base (dense)", $"step {savedStep} (dense)", "BM25", "hybrid(base + BM25)", $"hybrid(step {savedStep} + BM25)" };
        var baseRecall4 = Metrics(rows["base_dense"])[Recall4];
        for (var i = 0; i < Roles.Length; i++)
        {
            var value = Metrics(rows[Roles[i]])[Recall4];
            // Card: 4 decimals, margin rounded from the unrounded difference.
            var cell = Regex.Match(card, $@"\| {Regex.Escape(names[i])} \| [^|]* \| (\d\.\d{{4}})(?: \(([+-]?\d\.\d{{4}})\))? \|");
            Assert.True(cell.Success, $"card row {names[i]}");
            Tolerance.Close(value, double.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture), 0, 5e-5, $"{names[i]} recall4");
            if (i > 0) Tolerance.Close(value - baseRecall4, double.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture), 0, 5e-5, $"{names[i]} margin");
            var line = Regex.Match(log, $@"INFO -   {Regex.Escape(names[i])} +\S+(?: \(\S+\))? +(\d\.\d{{3}})(?: \(([+-]?\d\.\d{{3}})\))?");
            Assert.True(line.Success, $"log row {names[i]}");
            if (i > 0) Tolerance.Close(value - baseRecall4, double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), 0, 5e-4, $"{names[i]} log margin");
        }
        Assert.Contains("## Which retriever to deploy", card);
        Assert.Matches(@"INFO -   deploy: .+ \(best by recall4", log);
    }

    const string Recall4 = "eval_retr/document_recall/recall4";

    [Fact]
    public void EvalRetrieverHybridMakesTrainingMeasureTheHybrid()
    {
        var output = Path.Combine(work, "hybrid");
        var run = Train(output, "--eval_retriever", "hybrid", "--hybrid_weight", "0.3", "--max_steps", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "trainer_state.json")))!;
        var step0 = state["log_history"]!.AsArray().First(e => e!["eval_retr/document_recall/recall4"] is not null && e["step"]!.GetValue<int>() == 0)!
            .AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        using (var baseModel = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean }))
            SameMetrics(step0, HybridEvaluation(baseModel, Similarity.Dot, new HybridSettings { Weight = 0.3 }), "step 0 = hybrid(base)");
        var rows = Rows(output);
        var dense = Metrics(rows["base_dense"]);
        var hybrid = Metrics(rows["hybrid_base"]);
        SameMetrics(step0, hybrid, "step 0 = the table's hybrid(base)");
        var differing = dense.Keys.Where(k => dense[k] != hybrid[k]).ToList();
        Assert.NotEmpty(differing); // on these questions fusion changes some metric, so the log is not the dense one
        foreach (var key in differing) Assert.NotEqual(dense[key], step0[key]);
        Assert.Equal(0.3, HybridSettings.TryLoad(output)!.Weight);
    }

    [Fact]
    public void EvaluationOnlyMeasuresTheHybridToo()
    {
        var output = Path.Combine(work, "eval-only");
        var run = Train(output, "--do_train", "false", "--eval_retriever", "hybrid", "--hybrid_weight", "0.7");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "eval_score.json")))!.AsObject();
        using var baseModel = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean });
        var expected = HybridEvaluation(baseModel, Similarity.Dot, new HybridSettings { Weight = 0.7 });
        SameMetrics(expected, expected.Keys.ToDictionary(k => k, k => scores[k]!.GetValue<double>()), "eval-only hybrid");
    }

    [Fact]
    public void AResumedRunRanksWithTheBaseModelAgainForTheWholeTable()
    {
        var output = Path.Combine(work, "resumed");
        Assert.Equal(0, Train(output, "--max_steps", "2", "--save_total_limit", "none").ExitCode);
        var first = Rows(output);
        var run = Train(output, "--resume_from_checkpoint", Path.Combine(output, "checkpoint-2"), "--save_total_limit", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        // Step 0 was evaluated by the first process: the resumed one loads the base model again and gets the same rows.
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, RetrieverComparison.FileName)))!;
        Assert.Equal(["base_dense", "saved_dense", "bm25", "hybrid_base", "hybrid_saved"], json["retrievers"]!.AsArray().Select(r => r!["retriever"]!.GetValue<string>()));
        var again = Rows(output);
        SameMetrics(Metrics(first["base_dense"]), Metrics(again["base_dense"]), "base (dense), first run vs resumed");
        SameMetrics(Metrics(first["hybrid_base"]), Metrics(again["hybrid_base"]), "hybrid(base + BM25), first run vs resumed");
        Assert.Contains("the run was resumed: ranking the eval questions with the base model", File.ReadAllText(Path.Combine(output, "train.log")));
        Assert.NotNull(HybridSettings.TryLoad(output));
    }

    [Theory]
    [InlineData("--hybrid_weight", "1.5", "--hybrid_weight must be in [0, 1] (the dense share) or auto, got 1.5")]
    [InlineData("--hybrid_weight", "-0.1", "--hybrid_weight must be in [0, 1] (the dense share) or auto, got -0.1")]
    [InlineData("--hybrid_weight", "half", "--hybrid_weight: expected a number or auto, got 'half'")]
    [InlineData("--rrf_k", "0", "--rrf_k must be a positive number")]
    [InlineData("--hybrid_depth", "50", "--hybrid_depth 50 is below the evaluation depth 100")]
    [InlineData("--metric_for_best_model", "eval_retr/latency/avg_latency", "--hybrid_weight auto chooses by --metric_for_best_model, which must")]
    public void BadFusionFlagsStopBeforeAnyWork(string flag, string value, string message)
    {
        var output = Path.Combine(work, "bad");
        // With auto besides (except when the weight itself is tested): checks do not depend on the weight being fixed.
        var run = Train(output, flag == "--hybrid_weight" ? [flag, value] : [flag, value, "--hybrid_weight", "auto"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));
    }
}
