using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;
using LocalRqa.Training.Reports;

namespace LocalRqa.Tests.Training.Comparison;

public sealed class RetrieverComparisonTests
{
    const string Recall1 = "eval_retr/document_recall/recall1", Recall4 = "eval_retr/document_recall/recall4";

    static ComparedRetriever Row(RetrieverRole role, string name, double recall1, double recall4, HybridSettings? fusion = null) =>
        new(role, name, new Dictionary<string, double> { [Recall1] = recall1, [Recall4] = recall4 }, fusion);

    static RetrieverComparison Comparison(double hybridSavedRecall4) => new(
    [
        Row(RetrieverRole.BaseDense, "base (dense)", 0.425, 0.726),
        Row(RetrieverRole.SavedDense, "step 18 (dense)", 0.37, 0.863),
        Row(RetrieverRole.Bm25, "BM25", 0.37, 0.849),
        Row(RetrieverRole.HybridBase, "hybrid(base + BM25)", 0.45, 0.85, new HybridSettings()),
        Row(RetrieverRole.HybridSaved, "hybrid(step 18 + BM25)", 0.43, hybridSavedRecall4, new HybridSettings { Weight = 0.6 }),
    ], Recall4, GreaterIsBetter: true);

    [Fact]
    public void TheTableListsEveryRetrieverWithItsMarginOverTheBaseModel()
    {
        var lines = GainTable.Format(Comparison(0.9)).Split('\n');
        Assert.Equal(7, lines.Length); // header, five rows, what to deploy
        Assert.Equal("  retriever                  recall@1          recall@4", lines[0]);
        Assert.Equal("  base (dense)               0.425             0.726", lines[1]);
        Assert.Equal("  step 18 (dense)            0.370 (-0.055)    0.863 (+0.137)", lines[2]);
        Assert.Equal("  BM25                       0.370 (-0.055)    0.849 (+0.123)", lines[3]);
        Assert.Equal("  hybrid(base + BM25)        0.450 (+0.025)    0.850 (+0.124)", lines[4]);
        Assert.Equal("  hybrid(step 18 + BM25)     0.430 (+0.005)    0.900 (+0.174)", lines[5]);
        Assert.StartsWith("  deploy: hybrid(step 18 + BM25): rrf (k 60, dense weight 0.6, depth 100) (best eval_retr/document_recall/recall4", lines[6]);
    }

    [Fact]
    public void ATieGoesToTheSimplerRetriever()
    {
        // hybrid(saved) ties the saved dense model's 0.863: one retriever beats two.
        Assert.Equal(RetrieverRole.SavedDense, Comparison(0.863).Deploy!.Role);
        var bm25Tie = Comparison(0.863) with { Metric = Recall1 };
        // recall@1: hybrid(base) 0.45 is best outright.
        Assert.Equal(RetrieverRole.HybridBase, bm25Tie.Deploy!.Role);
        var lowerIsBetter = Comparison(0.863) with { Metric = Recall1, GreaterIsBetter = false };
        // saved dense and BM25 tie at 0.37: BM25 needs no model.
        Assert.Equal(RetrieverRole.Bm25, lowerIsBetter.Deploy!.Role);
    }

    [Fact]
    public void TheCardShowsTheRowsAndWhatToDeploy()
    {
        var card = ModelCard.Render(new ModelCardInfo { ModelName = "out", Algorithm = "ctl", BaseModel = "org/base", Comparison = Comparison(0.9) });
        Assert.Contains("| retriever | recall1 | recall4 |", card);
        Assert.Contains("| step 18 (dense) | 0.3700 (-0.0550) | 0.8630 (+0.1370) |", card);
        Assert.Contains("| hybrid(step 18 + BM25) | 0.4300 (+0.0050) | 0.9000 (+0.1740) |", card);
        Assert.Contains("**hybrid(step 18 + BM25): rrf (k 60, dense weight 0.6, depth 100)**", card);
        Assert.Contains("rqa test-retriever --retriever_type hybrid --model_name_or_path out", card);
    }
}
