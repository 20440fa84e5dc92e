using LocalRqa.Indexing;
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
        Assert.Equal("  retriever                  recall1           recall4", lines[0]);
        Assert.Equal("  base (dense)               0.425             0.726", lines[1]);
        Assert.Equal("  step 18 (dense)            0.370 (-0.055)    0.863 (+0.137)", lines[2]);
        Assert.Equal("  BM25                       0.370 (-0.055)    0.849 (+0.123)", lines[3]);
        Assert.Equal("  hybrid(base + BM25)        0.450 (+0.025)    0.850 (+0.124)", lines[4]);
        Assert.Equal("  hybrid(step 18 + BM25)     0.430 (+0.005)    0.900 (+0.174)", lines[5]);
        Assert.StartsWith("  deploy: hybrid(step 18 + BM25): rrf (k 60, dense weight 0.6, depth 100) (best by recall4", lines[6]);
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
        Assert.Contains("rqa test-retriever --retriever_type hybrid --embedding_model_name_or_path out", card);
    }

    [Fact]
    public void TheTableAndTheCardSayWithWhichSimilarityAndPromptsToDeploy()
    {
        var dense = new DenseSetup(Similarity.Cosine, "Represent this sentence for searching relevant passages: ");
        const string setup = "similarity cosine, query prompt \"Represent this sentence for searching relevant passages: \" (prompt_name \"query\"), no passage prompt";
        var hybrid = Comparison(0.9) with { Dense = dense };
        Assert.StartsWith($"  deploy: hybrid(step 18 + BM25): rrf (k 60, dense weight 0.6, depth 100), the dense side with {setup} (best by recall4",
            GainTable.Format(hybrid).Split('\n')[^1]);
        var card = ModelCard.Render(new ModelCardInfo { ModelName = "out", Algorithm = "ctl", BaseModel = "org/base", Comparison = hybrid });
        Assert.Contains($"Deploy **hybrid(step 18 + BM25): rrf (k 60, dense weight 0.6, depth 100), the dense side with {setup}**: the best by recall4 " +
                        "(`--metric_for_best_model eval_retr/document_recall/recall4`)", card);

        var saved = Comparison(0.863) with { Dense = dense };
        Assert.Equal($"step 18 (dense) with {setup}", saved.DeployDescription);
        Assert.Contains($"deploy: step 18 (dense) with {setup} (best by recall4", GainTable.Format(saved));
        Assert.Equal("cosine", (string?)saved.ToJson()["dense_setup"]!["similarity"]);

        var bm25 = saved with { Metric = Recall1, GreaterIsBetter = false };
        Assert.Equal("BM25, keyword search with no model, similarity or prompts", bm25.DeployDescription);
    }

    [Fact]
    public void EveryRqaCommandInTheCardParsesWithItsVerbsFlags()
    {
        // A snippet that names flags its verb does not have fails for the first user who copies it.
        var card = ModelCard.Render(new ModelCardInfo
        {
            ModelName = "out", Algorithm = "ctl", BaseModel = "org/base", Comparison = Comparison(0.9), PromptNames = new HashSet<string> { "query" },
        });
        var commands = card.Split('\n').Where(l => l.StartsWith("rqa ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, commands.Count);
        foreach (var command in commands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            LocalRqa.Arguments.ArgumentSchema[] schemas = words[1] switch
            {
                "encode" => [LocalRqa.Jobs.EncodeArguments.Schema],
                "test-retriever" => [LocalRqa.Jobs.TestRetrieverArguments.Schema, HybridArguments.Schema],
                var verb => throw new Xunit.Sdk.XunitException($"unexpected verb {verb}"),
            };
            LocalRqa.Arguments.ArgumentParser.Parse(words[2..], schemas);
        }
    }
}
