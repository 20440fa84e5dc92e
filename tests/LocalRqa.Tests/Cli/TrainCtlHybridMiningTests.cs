using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa train ctl --mine_hard_negatives hybrid`: the mined negatives come from the base model's ranking fused with BM25's.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainCtlHybridMiningTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-train-ctl-hybrid-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void MinedNegativesComeFromTheFusedRanking()
    {
        var (train, _, documentsPath) = FaireSlice.Create(work, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 1, leadingDocuments: 40);
        var model = TestPaths.Fixture("bert-tiny");
        var output = Path.Combine(work, "model");
        var run = CliRun.Of("train", "ctl", "--model_name_or_path", model, "--full_dataset_file_path", documentsPath, "--train_file", train,
            "--output_dir", output, "--do_eval", "false", "--evaluation_strategy", "no", "--per_device_train_batch_size", "4",
            "--per_device_eval_batch_size", "8", "--max_steps", "1", "--save_strategy", "no", "--hard_neg_ratio", "0.25",
            "--mine_hard_negatives", "hybrid", "--mined_negatives_per_question", "2", "--mining_skip_top", "1", "--mining_depth", "12",
            "--hybrid_depth", "12", "--hybrid_weight", "0.7");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var log = File.ReadAllText(Path.Combine(output, "train.log"));
        Assert.Contains("Mined 2 hard negatives per question with hybrid (", log);

        // The base model as CTL mines with it (mean pooling, dot product, the eval batch size) and BM25, fused here.
        var documents = DocumentCollection.Load(documentsPath);
        var examples = RetrievalDataReader.Read(train);
        var questions = examples.Select(e => e.Question).Distinct().ToList();
        using var encoder = SentenceEncoder.Load(model, new EncoderOverrides { Pooling = PoolingType.Mean, UsePrompts = true });
        using var dense = DenseRetriever.Build(encoder, documents, Similarity.Dot, 8);
        var denseHits = dense.Retrieve(questions, 12);
        var bm25Hits = new Bm25Retriever(documents.Documents).Retrieve(questions, 12);
        var settings = new HybridSettings { Depth = 12, Weight = 0.7 };
        var fused = questions.Select((q, i) => (q, RankFusion.Fuse(denseHits[i], bm25Hits[i], settings, k: 12))).ToDictionary(p => p.q, p => p.Item2);

        var mined = RetrievalDataReader.Read(Path.Combine(output, CtlAlgorithm.MinedNegativesFile));
        Assert.Equal(examples.Count, mined.Count);
        var differsFromBothSides = false;
        for (var i = 0; i < examples.Count; i++)
        {
            var gold = examples[i].GoldDocs.Select(d => d.Identity).ToHashSet();
            var goldTexts = examples[i].GoldDocs.Select(d => d.PageContent).ToHashSet();
            IEnumerable<DocumentIdentity> Negatives(IEnumerable<SearchHit> ranking) => ranking.Skip(1).Select(h => documents.Documents[h.Index])
                .Where(d => !gold.Contains(d.Identity) && !goldTexts.Contains(d.PageContent)).Take(2).Select(d => d.Identity);
            var expected = Negatives(fused[examples[i].Question]).ToList();
            Assert.Equal(2, expected.Count);
            Assert.Equal(expected, mined[i].HardNegDocs.Take(2).Select(d => d.Identity));
            var q = questions.IndexOf(examples[i].Question);
            differsFromBothSides |= !expected.SequenceEqual(Negatives(denseHits[q])) && !expected.SequenceEqual(Negatives(bm25Hits[q]));
        }
        Assert.True(differsFromBothSides, "the fused ranking should mine differently from both sides on some question");
    }
}
