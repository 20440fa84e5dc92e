using LocalRqa.Data;
using LocalRqa.Evaluation.Metrics;
using static LocalRqa.Tests.Evaluation.Metrics.MetricDocs;

namespace LocalRqa.Tests.Evaluation.Metrics;

// Metrics are plain C# double arithmetic (no libtorch), the same on every CPU: 1e-12 only absorbs a reordered sum's last
// bits; a 7-digit literal is checked to 5e-7, half its last digit.
public sealed class RankingMetricsTests
{
    static readonly Document A = Doc("kb/a", "passage alpha");
    static readonly Document B = Doc("kb/b", "passage bravo");
    static readonly Document C = Doc("kb/c", "passage charlie");

    static Document[] Fillers(int count, string prefix = "f") => Enumerable.Range(1, count).Select(i => Filler($"{prefix}{i}")).ToArray();

    [Fact]
    public void TwoGoldOneInTopFourOneAtRankFive()
    {
        var s = RankingMetrics.Score(Question(A, B).Retrieved(A, Filler("1"), Filler("2"), Filler("3"), B));
        // recall@k = |gold in top k| / 2: A only in top 1 and top 3, both from top 5 on.
        Assert.Equal(0.5, s["recall@1"]);
        Assert.Equal(0.5, s["recall@3"]);
        Assert.Equal(1.0, s["recall@5"]);
        Assert.Equal(1.0, s["recall@10"]);
        Assert.Equal(1.0, s["recall@20"]);
        Assert.All(RankingMetrics.CutOffs, k => Assert.Equal(1.0, s[$"hit@{k}"]));
        // First relevant at rank 1 → 1/1.
        Assert.Equal(1.0, s["mrr@10"]);
        // DCG = 1/log2 2 + 1/log2 6 = 1.3868528; IDCG (2 gold) = 1/log2 2 + 1/log2 3 = 1.6309298 → 0.8503449.
        Assert.Equal((1 + 1 / Math.Log2(6)) / (1 + 1 / Math.Log2(3)), s["ndcg@10"], 1e-12);
        Assert.Equal(0.8503449, s["ndcg@10"], 5e-7);
        // AP = (precision@1 + precision@5) / 2 = (1/1 + 2/5) / 2 = 0.7.
        Assert.Equal(0.7, s["map@100"], 1e-12);
    }

    [Fact]
    public void GoldAtRankThree()
    {
        var s = RankingMetrics.Score(Question(A).Retrieved(Filler("1"), Filler("2"), A, Filler("3"), Filler("4")));
        Assert.Equal(0.0, s["recall@1"]);
        Assert.Equal(1.0, s["recall@3"]);
        Assert.Equal(0.0, s["hit@1"]);
        Assert.Equal(1.0, s["hit@3"]);
        // 1/3.
        Assert.Equal(1.0 / 3, s["mrr@10"], 1e-12);
        // DCG = 1/log2(3+1) = 1/2; IDCG = 1/log2 2 = 1 → 0.5.
        Assert.Equal(0.5, s["ndcg@10"], 1e-12);
        // AP = precision@3 / 1 = 1/3.
        Assert.Equal(1.0 / 3, s["map@100"], 1e-12);
    }

    [Fact]
    public void GoldAtRankTwelveCountsOnlyForDeepCutoffs()
    {
        var s = RankingMetrics.Score(Question(A).Retrieved([.. Fillers(11), A]));
        Assert.Equal(0.0, s["recall@10"]);
        Assert.Equal(1.0, s["recall@20"]);
        Assert.Equal(0.0, s["hit@10"]);
        Assert.Equal(1.0, s["hit@20"]);
        // Beyond 10: mrr@10 and ndcg@10 are 0.
        Assert.Equal(0.0, s["mrr@10"]);
        Assert.Equal(0.0, s["ndcg@10"]);
        // AP@100 = precision@12 / 1 = 1/12.
        Assert.Equal(1.0 / 12, s["map@100"], 1e-12);
    }

    [Fact]
    public void GoldNeverRetrievedStillCountsInIdcgAndRecall()
    {
        // 3 retrieved only: every cutoff up to 20 uses those 3.
        var s = RankingMetrics.Score(Question(A, B).Retrieved(A, Filler("1"), Filler("2")));
        Assert.All(RankingMetrics.CutOffs, k => Assert.Equal(0.5, s[$"recall@{k}"]));
        // DCG = 1; IDCG over min(2, 10) = 2 ideal positions = 1 + 1/log2 3 = 1.6309298 → 0.6131472.
        Assert.Equal(1 / (1 + 1 / Math.Log2(3)), s["ndcg@10"], 1e-12);
        Assert.Equal(0.6131472, s["ndcg@10"], 5e-7);
        // AP = precision@1 / |gold| = 1/2.
        Assert.Equal(0.5, s["map@100"], 1e-12);
    }

    [Fact]
    public void AveragePrecisionWithThreeGold()
    {
        var s = RankingMetrics.Score(Question(A, B, C).Retrieved(A, Filler("1"), B, Filler("2"), C));
        // AP = (1/1 + 2/3 + 3/5) / 3 = 2.2666667 / 3 = 0.7555556.
        Assert.Equal((1 + 2.0 / 3 + 3.0 / 5) / 3, s["map@100"], 1e-12);
        Assert.Equal(0.7555556, s["map@100"], 5e-7);
        // DCG = 1 + 1/log2 4 + 1/log2 6 = 1.8868528; IDCG = 1 + 1/log2 3 + 1/log2 4 = 2.1309298 → 0.8854597.
        Assert.Equal((1 + 0.5 + 1 / Math.Log2(6)) / (1 + 1 / Math.Log2(3) + 0.5), s["ndcg@10"], 1e-12);
        Assert.Equal(2.0 / 3, s["recall@3"], 1e-12);
        Assert.Equal(1.0, s["recall@5"]);
    }

    [Fact]
    public void ARetrievedDuplicateIsRelevantOnce()
    {
        var s = RankingMetrics.Score(Question(A).Retrieved(Filler("1"), A, A));
        // Only rank 2 is relevant: AP = (1/2) / 1; DCG = 1/log2 3; IDCG = 1.
        Assert.Equal(0.5, s["map@100"], 1e-12);
        Assert.Equal(1 / Math.Log2(3), s["ndcg@10"], 1e-12);
        Assert.Equal(0.5, s["mrr@10"], 1e-12);
    }

    [Fact]
    public void QuestionWithoutGoldScoresZero()
    {
        var s = RankingMetrics.Score(new RetrievalOutcome([], [A]));
        Assert.All(RankingMetrics.Names, name => Assert.Equal(0.0, s[name]));
    }

    [Fact]
    public void PerQuestionValuesAndMeans()
    {
        var table = RankingMetrics.PerQuestion(
        [
            Question(A, B).Retrieved(A, Filler("1"), Filler("2"), Filler("3"), B),
            Question(A).Retrieved(Filler("1"), Filler("2"), A, Filler("3"), Filler("4")),
        ]);
        Assert.Equal(RankingMetrics.Names, table.Metrics);
        Assert.Equal(
            ["recall@1", "recall@3", "recall@5", "recall@10", "recall@20", "hit@1", "hit@3", "hit@5", "hit@10", "hit@20", "mrr@10", "ndcg@10", "map@100"],
            table.Metrics);
        Assert.Equal([0.5, 0.0], table["recall@1"]);
        var means = table.Means();
        // recall@1: (0.5 + 0) / 2; hit@3: (1 + 1) / 2; mrr: (1 + 1/3) / 2; map: (0.7 + 1/3) / 2.
        Assert.Equal(0.25, means["recall@1"], 1e-12);
        Assert.Equal(1.0, means["hit@3"], 1e-12);
        Assert.Equal(2.0 / 3, means["mrr@10"], 1e-12);
        Assert.Equal((0.7 + 1.0 / 3) / 2, means["map@100"], 1e-12);
        Assert.Throws<KeyNotFoundException>(() => table["recall@2"]);
    }
}
