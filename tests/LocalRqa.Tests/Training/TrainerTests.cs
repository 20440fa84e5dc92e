using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Retrieval;
using LocalRqa.Runtime;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Tests.Training;

/// <summary>The shared loop driving the CTL objective on a slice of Faire with the tiny fixture model.</summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-trainer-").FullName;
    readonly IReadOnlyList<RetrievalExample> train;
    readonly IReadOnlyList<RetrievalExample> eval;
    readonly DocumentCollection documents;

    public TrainerTests()
    {
        TorchRuntime.Initialize();
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        train = RetrievalDataReader.Read(Path.Combine(faire, "train_w_q.jsonl")).Take(32).ToList();
        eval = RetrievalDataReader.Read(Path.Combine(faire, "eval_w_q.jsonl")).Take(10).ToList();
        var gold = eval.SelectMany(e => e.GoldDocs).Select(d => d.Identity).ToHashSet();
        documents = new DocumentCollection("faire", DocumentDatabase.Load(Path.Combine(faire, "documents.pkl"))
            .Where((d, i) => i < 80 || gold.Contains(d.Identity)).ToList());
    }

    public void Dispose() => Directory.Delete(work, true);

    (Trainer Trainer, SentenceEncoder Encoder) Build(string output, int steps, string? resume = null)
    {
        var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        var objective = new CtlObjective(encoder, train, new CtlObjectiveSettings
        {
            BatchSize = 8, Seed = 7, HardNegRatio = 0.25, MaskFalseNegatives = true, Temperature = 0.05, Similarity = ContrastiveSimilarity.Dot,
            GradCacheChunkSize = 3, MaxLength = null,
        });
        var log = new RunLog(TextWriter.Null);
        RetrieverEvaluation Evaluate(SentenceEncoder model, int step)
        {
            using var retriever = DenseRetriever.Build(model, documents, Similarity.Cosine, 16);
            return new RetrieverEvaluator(eval, documents, new EvaluatorOptions { BootstrapResamples = 10 }).Evaluate(retriever, "eval");
        }
        var settings = new TrainerSettings
        {
            OutputDir = output, MaxSteps = steps, LearningRate = 1e-3, LoggingSteps = 2, EvalSteps = 3, SaveSteps = 3,
            SaveTotalLimit = 1, Seed = 7, ResumeFromCheckpoint = resume,
        };
        Directory.CreateDirectory(output);
        return (new Trainer(settings, objective, Evaluate, log), encoder);
    }

    [Fact]
    public void TrainsLogsEvaluatesCheckpointsAndSavesTheBestModel()
    {
        var output = Path.Combine(work, "run");
        var (trainer, encoder) = Build(output, steps: 6);
        using (encoder)
        {
            var state = trainer.Train();
            Assert.Equal(6, state.GlobalStep);
            var losses = state.LogHistory.Where(e => e.ContainsKey("loss")).ToList();
            Assert.Equal([2.0, 4, 6], losses.Select(e => e["step"]));
            Assert.All(losses, e => Assert.True(double.IsFinite(e["loss"]) && e["loss"] > 0));
            Assert.True(losses[0]["learning_rate"] > 0);
            var evals = state.LogHistory.Where(e => e.ContainsKey("eval_retr/document_recall/recall4")).ToList();
            Assert.Equal([0.0, 3, 6], evals.Select(e => e["step"])); // the base model, then every 3 steps
            Assert.NotNull(state.BestModelCheckpoint);
        }
        foreach (var file in new[] { "trainer_state.json", "config.json", "model.safetensors", "modules.json", "1_Pooling/config.json",
                     "config_sentence_transformers.json", "step-0-predictions.jsonl", "step-3-predictions.jsonl", "step-6-predictions.jsonl" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        // save_total_limit 1 keeps the newest checkpoint, plus the best one if it is older.
        var checkpoints = Directory.GetDirectories(output, "checkpoint-*").Select(Path.GetFileName).ToList();
        Assert.Contains("checkpoint-6", checkpoints);
        Assert.True(checkpoints.Count <= 2);
        Assert.Empty(Directory.GetDirectories(output, "*.tmp-*"));
        // The saved model loads and differs from the base model.
        using var saved = SentenceEncoder.Load(output);
        using var baseModel = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        Assert.NotEqual(ModelFingerprint.Of(baseModel), ModelFingerprint.Of(saved));
    }

    [Fact]
    public void ResumingFromACheckpointReachesTheSameWeights()
    {
        var straight = Path.Combine(work, "straight");
        var (full, fullEncoder) = Build(straight, steps: 6);
        using (fullEncoder) full.Train();

        var interrupted = Path.Combine(work, "interrupted");
        var (first, firstEncoder) = Build(interrupted, steps: 6);
        using (firstEncoder)
        {
            first.RequestStopAt(3);
            first.Train();
        }
        var (second, secondEncoder) = Build(interrupted, steps: 6, resume: Path.Combine(interrupted, "checkpoint-3"));
        using (secondEncoder) second.Train();

        var a = LocalRqa.Checkpoints.SafetensorsFile.Open(Path.Combine(straight, "checkpoint-6", "model.safetensors"));
        var b = LocalRqa.Checkpoints.SafetensorsFile.Open(Path.Combine(interrupted, "checkpoint-6", "model.safetensors"));
        foreach (var name in a.Names)
        {
            var x = a.Read(name).ToFloats();
            var y = b.Read(name).ToFloats();
            var diff = x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
            Assert.True(diff <= 1e-6, $"{name}: max abs diff {diff}");
        }
    }
}
