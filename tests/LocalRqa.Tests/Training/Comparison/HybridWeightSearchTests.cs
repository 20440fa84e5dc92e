using LocalRqa.Data;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Tests.Training.Comparison;

public sealed class HybridWeightSearchTests
{
    static IReadOnlyList<WeightCandidate> Scored(params double[] metrics) =>
        HybridWeightSearch.Candidates.Select((w, i) => new WeightCandidate(w, metrics[i])).ToList();

    [Fact]
    public void PicksTheBestWeight()
    {
        Assert.Equal(0.7, HybridWeightSearch.Choose(Scored(0.1, 0.2, 0.3, 0.4, 0.5, 0.9, 0.6), greaterIsBetter: true));
        Assert.Equal(0.2, HybridWeightSearch.Choose(Scored(0.1, 0.2, 0.3, 0.4, 0.5, 0.9, 0.6), greaterIsBetter: false));
    }

    [Fact]
    public void TiesGoToTheWeightClosestToAHalfThenTheLower()
    {
        Assert.Equal(0.5, HybridWeightSearch.Choose(Scored(0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8), greaterIsBetter: true));
        Assert.Equal(0.4, HybridWeightSearch.Choose(Scored(0.9, 0.8, 0.9, 0.7, 0.9, 0.8, 0.9), greaterIsBetter: true));
        // 0.3 and 0.7 are both 0.2 from a half (0.7 − 0.5 is not exactly 0.5 − 0.3 in binary): the lower wins.
        Assert.Equal(0.3, HybridWeightSearch.Choose(Scored(0.1, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1), greaterIsBetter: true));
        Assert.Equal(0.2, HybridWeightSearch.Choose(Scored(0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9), greaterIsBetter: true));
    }

    /// <summary>
    /// Two questions, four documents; the gold of q1 is d1, of q2 d2. Dense ranks both: d0 d1 d2 d3; BM25 ranks
    /// q1: d1 d3 d0 d2, q2: d3 d2 d0 d1. RRF with k 2 (w dense, 1 − w BM25), ranks from 1:
    /// q1: d1 = w/4 + (1−w)/3 beats d0 = w/3 + (1−w)/5 ⇔ 2(1−w)/15 > w/12 ⇔ w < 24/39 ≈ 0.615 (d3, d2 trail both).
    /// q2: d2 = w/5 + (1−w)/4 beats d3 = w/6 + (1−w)/3 only for w > 0.714 and d0 = w/3 + (1−w)/5 only for w < 0.273: never first.
    /// So recall@1 is 0.5 for w in {0.2, ..., 0.6} and 0 for 0.7, 0.8: a five-way tie that 0.5 wins.
    /// </summary>
    [Fact]
    public void SearchFusesTheGivenRankingsAndBreaksTiesTowardsAHalf()
    {
        var docs = Enumerable.Range(0, 4).Select(i => Document.Create($"passage {i}", null, null)).ToList();
        var collection = new DocumentCollection("docs", docs);
        var examples = new List<RetrievalExample> { new("q1", [docs[1]], [], null, null, 1), new("q2", [docs[2]], [], null, null, 2) };
        var evaluator = new RetrieverEvaluator(examples, collection, new EvaluatorOptions { BootstrapResamples = 10 });
        SearchHit[] Ranking(params int[] order) => order.Select((d, r) => new SearchHit(d, 10 - r)).ToArray();
        var dense = new DenseRankings([Ranking(0, 1, 2, 3), Ranking(0, 1, 2, 3)], HigherIsBetter: true);
        SearchHit[][] bm25 = [Ranking(1, 3, 0, 2), Ranking(3, 2, 0, 1)];
        var (weight, candidates) = HybridWeightSearch.Search(evaluator, ["q1", "q2"], dense, bm25,
            new HybridSettings { RrfK = 2, Depth = 4 }, "eval_retr/document_recall/recall1", greaterIsBetter: true);
        Assert.Equal([0.5, 0.5, 0.5, 0.5, 0.5, 0, 0], candidates.Select(c => c.Metric));
        Assert.Equal(0.5, weight);
    }
}
