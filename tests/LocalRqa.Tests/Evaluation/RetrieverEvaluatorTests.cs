using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Evaluation;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last bits.
public sealed class RetrieverEvaluatorTests
{
    static Document Doc(string text, string source = "s") =>
        Document.Create(text, null, new Dictionary<string, object?> { ["source"] = source });

    /// <summary>Returns fixed rankings, one per question, in the order asked.</summary>
    sealed class FixedRetriever(Dictionary<string, int[]> rankings) : IRetriever
    {
        public string Description => "fixed";
        public List<int> BatchSizes { get; } = [];

        public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
        {
            BatchSizes.Add(queries.Count);
            return queries.Select(q => rankings[q].Take(k).Select((index, rank) => new SearchHit(index, 10f - rank)).ToArray()).ToList();
        }
    }

    [Fact]
    public void ScoresPredictionsAndLatencyFollowLocalRqa()
    {
        // Documents 0..5; q1's gold is doc 0 (ranked 1st), q2's gold is doc 3 (ranked 2nd), q3's gold is not in the
        // database at all.
        var docs = Enumerable.Range(0, 6).Select(i => Doc($"passage number {i} about topic {i}")).ToList();
        var collection = new DocumentCollection("docs", docs);
        var examples = new List<RetrievalExample>
        {
            new("q1", [docs[0]], [], null, null, 1),
            new("q2", [docs[3]], [], null, null, 2),
            new("q3", [Doc("a passage nobody indexed", "elsewhere")], [], null, null, 3),
        };
        var retriever = new FixedRetriever(new()
        {
            ["q1"] = [0, 1, 2, 4, 5],
            ["q2"] = [1, 3, 2, 4, 5],
            ["q3"] = [5, 4, 3, 2, 1],
        });
        var log = new StringWriter();
        var evaluation = new RetrieverEvaluator(examples, collection, new EvaluatorOptions { TopK = 4, BatchSize = 2, BootstrapResamples = 200 })
            .Evaluate(retriever, "test", log);

        Assert.Equal([2, 1], retriever.BatchSizes); // batches of --test_bszv questions
        var s = evaluation.Scores;
        Assert.Equal(1.0 / 3, s["test_retr/document_recall/recall1"], 1e-12); // only q1 at rank 1
        Assert.Equal(2.0 / 3, s["test_retr/document_recall/recall4"], 1e-12); // q1 and q2 within 4
        Assert.Equal(2.0 / 12, s["test_retr/document_accuracy/accuracy"], 1e-12); // 2 correct of 3 × 4 retrieved
        Assert.Equal(0.5, s["test_retr/ranking/mrr@10"], 1e-12); // (1 + 1/2 + 0) / 3
        // LocalRQA's latency: the time of the retrieval calls (retr) and of the whole loop (e2e), total and per question.
        Assert.Equal(s["test_retr/latency/total_latency"] / 3, s["test_retr/latency/avg_latency"], 1e-12);
        Assert.Equal(s["test_e2e/latency/total_latency"] / 3, s["test_e2e/latency/avg_latency"], 1e-12);
        Assert.True(s["test_e2e/latency/total_latency"] >= s["test_retr/latency/total_latency"]);
        Assert.True(s["test_retr/document_recall/recall4_ci95_low"] <= s["test_retr/document_recall/recall4"]);
        Assert.False(s.ContainsKey("test_retr/document_ndcg/ndcg")); // opt-in

        Assert.Equal(3, evaluation.Predictions.Count);
        Assert.Equal(4, evaluation.Predictions[1].Retrieved.Count); // top_k, not the 20 retrieved for ranking metrics
        Assert.Equal(docs[3], evaluation.Predictions[1].Retrieved[1].Document);
        Assert.Equal(9f, evaluation.Predictions[1].Retrieved[1].Score);
        Assert.Equal(1, evaluation.MissingGoldDocuments);
        Assert.Contains("1 gold documents are not in docs", log.ToString());
        Assert.Contains("source=elsewhere", log.ToString());
    }

    [Fact]
    public void PredictionsKeepTheRankingTheMetricsUseAndRescoreToTheSameNumbers()
    {
        // q's gold (doc 5) is ranked 6th: beyond top_k 4, inside mrr@10 (1/6).
        var docs = Enumerable.Range(0, 8).Select(i => Doc($"passage {i}")).ToList();
        var examples = new List<RetrievalExample> { new("q", [docs[5]], [], null, null, 1) };
        var retriever = new FixedRetriever(new() { ["q"] = [0, 1, 2, 3, 4, 5, 6, 7] });
        var evaluation = new RetrieverEvaluator(examples, new DocumentCollection("d", docs), new EvaluatorOptions { BootstrapResamples = 10 })
            .Evaluate(retriever, "test");
        Assert.Equal(1.0 / 6, evaluation.Scores["test_retr/ranking/mrr@10"]);

        var prediction = evaluation.Predictions.Single();
        Assert.Equal(4, prediction.Retrieved.Count); // LocalRQA's retrieved_docs: the top_k
        Assert.Equal(100, prediction.Ranking!.Depth); // complete to 100: the database has only 8
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], prediction.Ranking.Documents.Select(r => r.Index));
        Assert.Equal(IdentityFingerprint.Of(docs[5].Identity), prediction.Ranking.Documents[5].Fingerprint);

        // Written and read back, the file gives every metric of the table, exactly.
        var path = Path.GetTempFileName();
        try
        {
            PredictionsFile.Write(path, evaluation.Predictions);
            var rescored = PredictionMetrics.Of(PredictionsFile.Read(path));
            Assert.Empty(rescored.NotRecomputable);
            foreach (var (key, value) in rescored.Scores) Assert.Equal(evaluation.Scores["test_retr/" + key], value);
            Assert.Equal(evaluation.Scores.Keys.Count(k => !k.Contains("latency") && !k.Contains("_ci95_")), rescored.Scores.Count);

            // The same file cut to its top_k (what LocalRQA and older rqa write) cannot give mrr@10: it is withheld.
            var shallow = PredictionMetrics.Of(PredictionsFile.Read(path).Select(p => p with { Ranking = null }).ToList());
            Assert.Equal(4, shallow.Depth);
            Assert.Contains(LocalRqa.Evaluation.Metrics.RankingMetrics.Mrr, shallow.NotRecomputable);
            Assert.False(shallow.Scores.ContainsKey("ranking/mrr@10"));
        }
        finally { File.Delete(path); }

        // --save_depth 5 keeps five; the scores still come from the full depth.
        var saved = new RetrieverEvaluator(examples, new DocumentCollection("d", docs), new EvaluatorOptions { SaveDepth = 5, BootstrapResamples = 10 })
            .Evaluate(retriever, "test");
        Assert.Equal(5, saved.Predictions.Single().Ranking!.Documents.Count);
        Assert.Equal(1.0 / 6, saved.Scores["test_retr/ranking/mrr@10"]);
        Assert.Throws<RqaException>(() => new RetrieverEvaluator(examples, new DocumentCollection("d", docs), new EvaluatorOptions { SaveDepth = 3 })
            .Evaluate(retriever, "test"));
    }

    [Fact]
    public void NdcgIsAddedWhenAsked()
    {
        var docs = Enumerable.Range(0, 3).Select(i => Doc($"text {i}")).ToList();
        var evaluation = new RetrieverEvaluator([new("q", [docs[1]], [], null, null, 1)], new DocumentCollection("d", docs),
                new EvaluatorOptions { Ndcg = true, BootstrapResamples = 10 })
            .Evaluate(new FixedRetriever(new() { ["q"] = [0, 1, 2] }), "eval");
        // Relevant at rank 2 only: DCG = 1/log2(3), IDCG = 1 → 0.6309.
        Assert.Equal(0.6309, evaluation.Scores["eval_retr/document_ndcg/ndcg"], 1e-12);
    }
}
