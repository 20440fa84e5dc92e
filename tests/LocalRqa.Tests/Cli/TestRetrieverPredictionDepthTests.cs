using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// test-predictions.jsonl keeps the ranking as deep as the metrics look (issue 14): `--compare_with` recomputes from the
/// two files exactly the numbers of each run's score.json, LocalRQA's `retrieved_docs` stays the top-k, and a file without
/// the deep ranking gets a note instead of wrong rank metrics. Same inputs, same arithmetic: equality, not a tolerance.
/// </summary>
public sealed class TestRetrieverPredictionDepthTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-prediction-depth-").FullName;
    readonly string documents;
    readonly string questions;
    readonly string model = TestPaths.Fixture("bert-tiny");

    public TestRetrieverPredictionDepthTests()
    {
        // 8 question lines (16 questions), their gold passages and 150 other passages: more than the 100 the metrics need.
        var slice = FaireSlice.EvalOnly(work, "eval_w_q.jsonl", 8, 150);
        (questions, documents) = (slice.Eval, slice.Documents);
    }

    public void Dispose() => Directory.Delete(work, true);

    string Run(string name, params string[] extra)
    {
        var output = Path.Combine(work, name);
        var run = CliRun.Of(["test-retriever", "--embedding_model_name_or_path", model, "--document_path", documents, "--eval_data_path", questions,
            "--output_dir", output, "--test_bszv", "4", .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return output;
    }

    static JsonObject Json(string output, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(output, file)))!.AsObject();

    static string Predictions(string output) => Path.Combine(output, "test-predictions.jsonl");

    /// <summary>score.json's metrics that come from the predictions: all but latency and the bootstrap bounds.</summary>
    static Dictionary<string, double> RecomputableScores(string output) => Json(output, "score.json")
        .Where(kv => !kv.Key.Contains("/latency/") && !kv.Key.Contains("_ci95_"))
        .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());

    static Dictionary<string, double> Recomputed(JsonObject comparison, string side) =>
        comparison["scores"]![side]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());

    [Fact]
    public void CompareWithReproducesEveryMetricOfBothTables()
    {
        var dense = Run("dense", "--retr_ndcg");
        var bm25 = Run("bm25", "--retriever_type", "bm25", "--retr_ndcg", "--compare_with", Predictions(dense));
        var comparison = Json(bm25, "comparison.json");

        // Every metric of each score.json, recomputed from the files, bit for bit (doubles written shortest-round-trip).
        Assert.Equal(RecomputableScores(dense), Recomputed(comparison, "baseline"));
        Assert.Equal(RecomputableScores(bm25), Recomputed(comparison, "candidate"));
        Assert.Empty(comparison["not_recomputed"]!.AsArray());
        // The case: mrr@10 of the compared run is its table's. Scored from retrieved_docs alone (what rqa compared
        // before `ranking`) it is lower on this slice, whose first gold hits include ranks 5 to 10.
        var mrr = comparison["metrics"]!["mrr@10"]!;
        var denseMrr = Json(dense, "score.json")["test_retr/ranking/mrr@10"]!.GetValue<double>();
        Assert.Equal(denseMrr, mrr["baseline"]!.GetValue<double>());
        var topFour = PredictionsFile.Read(Predictions(dense)).Select(p => new RetrievalOutcome(p.GoldDocs, p.Retrieved.Select(r => r.Document).ToList())).ToList();
        Assert.True(RankingMetrics.PerQuestion(topFour)[RankingMetrics.Mrr].Average() < denseMrr);
        Assert.Equal(Json(bm25, "score.json")["test_retr/ranking/mrr@10"]!.GetValue<double>(), mrr["candidate"]!.GetValue<double>());
        foreach (var metric in new[] { "document_recall/recall1", "document_recall/recall4", "document_recall/likely_recall", "document_ndcg/ndcg",
                     "recall@10", "recall@20", "mrr@10", "ndcg@10", "map@100" })
            Assert.True(comparison["metrics"]!.AsObject().ContainsKey(metric), metric);

        // A run compared with itself: zero difference on every metric, each equal to the table.
        var again = Run("again", "--retriever_type", "bm25", "--retr_ndcg", "--compare_with", Predictions(bm25));
        var self = Json(again, "comparison.json");
        Assert.Equal(RecomputableScores(again), Recomputed(self, "baseline"));
        foreach (var (_, result) in self["metrics"]!.AsObject())
            Assert.Equal(0.0, result!["difference"]!.GetValue<double>());
    }

    [Fact]
    public void PredictionsStayLocalRqasTopKWithACompactDeepRanking()
    {
        var dense = Run("dense");
        var lines = File.ReadAllLines(Predictions(dense));
        Assert.Equal(16, lines.Length);
        foreach (var line in lines)
        {
            var record = JsonNode.Parse(line)!;
            // What LocalRQA's scripts read: question, gold_docs, retrieved_docs (the top_k) with metadata.retrieve_score.
            var retrieved = record["retrieved_docs"]!.AsArray();
            Assert.Equal(4, retrieved.Count);
            Assert.NotNull(record["question"]!.GetValue<string>());
            Assert.NotEmpty(record["gold_docs"]!.AsArray());
            var ranking = record["ranking"]!;
            Assert.Equal(100, ranking["depth"]!.GetValue<int>());
            var ranked = ranking["documents"]!.AsArray();
            Assert.Equal(100, ranked.Count);
            // The ranking starts with retrieved_docs, in order, with the same scores and identities.
            for (var r = 0; r < 4; r++)
            {
                Assert.Equal(retrieved[r]!["metadata"]!["retrieve_score"]!.GetValue<double>(), ranked[r]!["score"]!.GetValue<double>());
                var document = DocumentJson.Parse(System.Text.Json.JsonDocument.Parse(retrieved[r]!.ToJsonString()).RootElement, "test");
                Assert.Equal(IdentityFingerprint.Of(document.Identity), ranked[r]!["fingerprint"]!.GetValue<string>());
            }
            // Compact: the 100 entries (index, score, 16-hex fingerprint) take under 80 bytes each.
            Assert.InRange(ranked.ToJsonString().Length, 100 * 40, 100 * 80);
        }
        // And the reader LocalRQA files go through still accepts the file.
        var read = PredictionsFile.Read(Predictions(dense));
        Assert.All(read, p => Assert.Equal(4, p.Retrieved.Count));
    }

    [Fact]
    public void AFileWithoutTheDeepRankingIsComparedOnWhatItSupports()
    {
        var dense = Run("dense");
        // An older rqa (or LocalRQA) file: the same records without `ranking`, so only the top 4.
        var old = Path.Combine(work, "old-predictions.jsonl");
        File.WriteAllLines(old, File.ReadLines(Predictions(dense)).Select(line =>
        {
            var record = JsonNode.Parse(line)!.AsObject();
            record.Remove("ranking");
            return record.ToJsonString();
        }));
        var bm25 = Run("bm25", "--retriever_type", "bm25", "--compare_with", old);
        var comparison = Json(bm25, "comparison.json");

        var missing = comparison["not_recomputed"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["recall@5", "recall@10", "recall@20", "hit@5", "hit@10", "hit@20", "mrr@10", "ndcg@10", "map@100"], missing);
        Assert.False(comparison["metrics"]!.AsObject().ContainsKey("mrr@10")); // no wrong number
        var baseline = Recomputed(comparison, "baseline");
        Assert.DoesNotContain("test_retr/ranking/mrr@10", baseline.Keys);
        // What a top-4 file does support is its run's number exactly.
        var table = RecomputableScores(dense);
        foreach (var key in new[] { "test_retr/document_recall/recall1", "test_retr/document_recall/recall4", "test_retr/document_accuracy/accuracy",
                     "test_retr/ranking/recall@1", "test_retr/ranking/recall@3", "test_retr/ranking/hit@3" })
            Assert.Equal(table[key], baseline[key]);
        var log = File.ReadAllText(Path.Combine(bm25, "test.log"));
        Assert.Single(log.Split('\n'), l => l.Contains("note: " + old) && l.Contains("depth 4") && l.Contains("mrr@10"));
    }

    [Fact]
    public void SaveDepthKeepsThatManyAndSaysWhatItCannotRecompute()
    {
        var shallow = Run("shallow", "--retriever_type", "bm25", "--save_depth", "10");
        var record = JsonNode.Parse(File.ReadLines(Predictions(shallow)).First())!;
        Assert.Equal(4, record["retrieved_docs"]!.AsArray().Count);
        Assert.Equal(10, record["ranking"]!["depth"]!.GetValue<int>());
        Assert.Equal(10, record["ranking"]!["documents"]!.AsArray().Count);
        // score.json still holds every metric, computed from the full 100.
        Assert.True(Json(shallow, "score.json").ContainsKey("test_retr/ranking/map@100"));

        var compared = Run("compared", "--retriever_type", "bm25", "--compare_with", Predictions(shallow));
        var comparison = Json(compared, "comparison.json");
        Assert.Equal(["recall@20", "hit@20", "map@100"], comparison["not_recomputed"]!.AsArray().Select(n => n!.GetValue<string>()));
        var table = RecomputableScores(shallow);
        foreach (var (key, value) in Recomputed(comparison, "baseline")) Assert.Equal(table[key], value);
        Assert.Equal(table["test_retr/ranking/mrr@10"], comparison["metrics"]!["mrr@10"]!["baseline"]!.GetValue<double>());

        var refused = CliRun.Of("test-retriever", "--retriever_type", "bm25", "--document_path", documents, "--eval_data_path", questions,
            "--output_dir", Path.Combine(work, "refused"), "--top_k", "5", "--save_depth", "4");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--save_depth must be at least --top_k (5), got 4", refused.Stderr);
        Assert.False(Directory.Exists(Path.Combine(work, "refused")));
    }
}
