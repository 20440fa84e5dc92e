using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Tests.Retrieval;

/// <summary>Fusion of two candidate lists, checked against scores computed by hand.</summary>
public sealed class RankFusionTests
{
    static SearchHit[] Hits(params (int Index, float Score)[] hits) => hits.Select(h => new SearchHit(h.Index, h.Score)).ToArray();

    [Fact]
    public void ReciprocalRankFusionByHand()
    {
        // dense ranks: 7, 3, 5; bm25 ranks: 3, 9, 7. k = 60, w = 0.5.
        var dense = Hits((7, 0.9f), (3, 0.8f), (5, 0.1f));
        var bm25 = Hits((3, 12f), (9, 11f), (7, 2f));
        var fused = RankFusion.Fuse(dense, bm25, new HybridSettings(), k: 5);

        double Score(int denseRank, int bm25Rank) =>
            (denseRank > 0 ? 0.5 / (60 + denseRank) : 0) + (bm25Rank > 0 ? 0.5 / (60 + bm25Rank) : 0);
        // 3: 1/62 + 1/61 halves; 7: 1/61 + 1/63 halves; 9: bm25 rank 2 only; 5: dense rank 3 only.
        Assert.Equal([3, 7, 9, 5], fused.Select(h => h.Index));
        Assert.Equal(Score(2, 1), fused[0].Score, 1e-7); // stored as float: 1e-7 is a few ulps at 0.03
        Assert.Equal(Score(1, 3), fused[1].Score, 1e-7);
        Assert.Equal(Score(0, 2), fused[2].Score, 1e-7);
        Assert.Equal(Score(3, 0), fused[3].Score, 1e-7);
    }

    [Fact]
    public void WeightOneIsTheDenseRankingAndZeroIsBm25s()
    {
        var dense = Hits((4, 0.9f), (2, 0.5f), (8, 0.4f));
        var bm25 = Hits((8, 5f), (1, 4f), (2, 3f));
        Assert.Equal([4, 2, 8], RankFusion.Fuse(dense, bm25, new HybridSettings { Weight = 1 }, k: 3).Select(h => h.Index));
        Assert.Equal([8, 1, 2], RankFusion.Fuse(dense, bm25, new HybridSettings { Weight = 0 }, k: 3).Select(h => h.Index));
    }

    [Fact]
    public void TiesGoToTheLowerDocumentIndex()
    {
        // 6 is dense's first and 2 is BM25's first: equal RRF scores at w = 0.5.
        var fused = RankFusion.Fuse(Hits((6, 1f)), Hits((2, 1f)), new HybridSettings(), k: 2);
        Assert.Equal([2, 6], fused.Select(h => h.Index));
    }

    [Fact]
    public void ScoreFusionNormalisesEachSidePerQuestion()
    {
        // dense 0.9/0.6/0.3 → 1, 0.5, 0; bm25 20/10 → 1, 0. w = 0.3.
        var dense = Hits((1, 0.9f), (2, 0.6f), (3, 0.3f));
        var bm25 = Hits((3, 20f), (4, 10f));
        var fused = RankFusion.Fuse(dense, bm25, new HybridSettings { Fusion = FusionMethod.Score, Weight = 0.3 }, k: 4);
        // 3: 0.3·0 + 0.7·1 = 0.7; 1: 0.3; 2: 0.15; 4: 0.
        Assert.Equal([3, 1, 2, 4], fused.Select(h => h.Index));
        // Float scores of sums of a few doubles: 1e-6 absolute is well above their rounding.
        Tolerance.Close([0.7f, 0.3f, 0.15f, 0f], fused.Select(h => h.Score).ToArray(), relative: 0, absolute: 1e-6, what: "fused score");
    }

    [Fact]
    public void ScoreFusionOfDistancesFlipsThem()
    {
        // L2 distances: 0.1 is the best.
        var dense = Hits((5, 0.1f), (6, 0.5f));
        var fused = RankFusion.Fuse(dense, [], new HybridSettings { Fusion = FusionMethod.Score, Weight = 1 }, k: 2, denseHigherIsBetter: false);
        Assert.Equal([5, 6], fused.Select(h => h.Index));
        Assert.Equal(1.0, fused[0].Score, 1e-7);
    }

    [Theory]
    [InlineData(0.0, 0.5, 100, 4, "--rrf_k must be a positive number")]
    [InlineData(60.0, 1.5, 100, 4, "--hybrid_weight must be in [0, 1]")]
    [InlineData(60.0, -0.1, 100, 4, "--hybrid_weight must be in [0, 1]")]
    [InlineData(60.0, 0.5, 3, 4, "--hybrid_depth 3 is below --top_k 4")]
    public void BadSettingsAreNamed(double rrfK, double weight, int depth, int topK, string expected)
    {
        var problem = new HybridSettings { RrfK = rrfK, Weight = weight, Depth = depth }.Problem(topK);
        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem);
        Assert.Null(new HybridSettings().Problem(4));
    }

    [Fact]
    public void AModelFolderKeepsItsSettings()
    {
        var folder = Directory.CreateTempSubdirectory("rqa-hybrid-settings-").FullName;
        try
        {
            Assert.Null(HybridSettings.TryLoad(folder));
            var settings = new HybridSettings { Fusion = FusionMethod.Score, Weight = 0.7, Depth = 50, RrfK = 20 };
            settings.Save(folder);
            Assert.Equal(settings, HybridSettings.TryLoad(folder));
            File.WriteAllText(Path.Combine(folder, HybridSettings.FileName), """{"fusion": "rrf", "hybrid_weight": 2}""");
            var error = Assert.Throws<RqaException>(() => HybridSettings.TryLoad(folder));
            Assert.Contains("hybrid_retrieval.json: --hybrid_weight must be in [0, 1]", error.Message);
        }
        finally { Directory.Delete(folder, true); }
    }
}
