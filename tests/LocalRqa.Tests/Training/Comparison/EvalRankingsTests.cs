using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Tests.Training.Comparison;

/// <summary>The rankings a run keeps for its final table, taken from a dense evaluation instead of ranking again.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class EvalRankingsTests
{
    static Document Doc(int i) => Document.Create($"passage {i}: how to return item number {i} within {i * 3} days", null,
        new Dictionary<string, object?> { ["source"] = $"s{i}" });

    [Theory]
    [InlineData(100, true)] // the evaluation ranked exactly as deep as the kept rankings (100): taken from it
    [InlineData(50, false)] // kept rankings of another depth: ranked again
    public void ADenseEvaluationsRankingsAreKeptAsRankingAgainWouldGiveThem(int depth, bool same)
    {
        var docs = Enumerable.Range(0, 12).Select(Doc).ToList();
        var collection = new DocumentCollection("docs", docs);
        var eval = Enumerable.Range(0, 5).Select(i => new RetrievalExample($"how long to return item {i * 2}?", [docs[i * 2]], [], null, null, i + 1)).ToList();
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean });
        using var retriever = DenseRetriever.Build(encoder, collection, Similarity.Dot, batchSize: 2);
        var options = new EvaluatorOptions { BatchSize = 2, BootstrapResamples = 10 };
        Assert.Equal(100, options.RetrievalDepth); // of 12 documents: every ranking holds all 12
        var evaluation = new RetrieverEvaluator(eval, collection, options).Evaluate(retriever, "eval");

        var kept = new EvalRankings(eval, collection, depth, batchSize: 2);
        kept.RecordDense(3, retriever, evaluation);
        var hits = kept.Dense(3)!;
        Assert.True(hits.HigherIsBetter); // dot product: a similarity
        Assert.Equal(eval.Count, hits.Hits.Length);
        for (var q = 0; q < eval.Count; q++)
        {
            var predicted = evaluation.Predictions[q].Ranking!.Documents.Select(d => new SearchHit(d.Index, (float)d.Score)).ToArray();
            Assert.Equal(docs.Count, hits.Hits[q].Length);
            if (same) Assert.Equal(predicted, hits.Hits[q]); // the evaluation's own ranking, not a second one
            else
            {
                // Ranked again: the same scores rank by rank, to the last bits libtorch's kernels may round differently
                // run to run (bert-tiny's near-equal scores may then swap documents, so indices are not compared).
                Assert.False(ReferenceEquals(predicted, hits.Hits[q]));
                for (var rank = 0; rank < docs.Count; rank++) Assert.Equal(predicted[rank].Score, hits.Hits[q][rank].Score, 1e-4f);
            }
        }
    }
}
