using System.Text.Json.Nodes;
using LocalRqa.Library;
using LocalRqa.Retrieval;
using LocalRqa.Tests.Cli;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Mining;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Tests.Library;

/// <summary>
/// Each training method runs from records filled in code, as the CLI runs it from flags: the records land in
/// all_args.json, the result matches trainer_state.json, and the saved folder loads as a model.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class RetrieverTrainerTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-library-train-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>2 steps on a slice of Faire with the tiny fixtures, evaluating at step 0 and at the end.</summary>
    TrainingArguments Shared(FaireSlice data, string method) => new()
    {
        ModelNameOrPath = TestPaths.Fixture("bert-tiny"),
        TrainFile = data.Train,
        EvalFile = data.Eval,
        FullDatasetFilePath = data.Documents,
        OutputDir = Path.Combine(work, method),
        MaxSteps = 2,
        PerDeviceTrainBatchSize = 4,
        PerDeviceEvalBatchSize = 16,
        LoggingSteps = 1,
    };

    [Theory]
    [InlineData("ctl")]
    [InlineData("dca")]
    [InlineData("rpg")]
    public void EachMethodTrainsFromItsRecords(string method)
    {
        var data = Path.Combine(work, method + "-data");
        Directory.CreateDirectory(data);
        var fusion = new HybridArguments { RrfK = 30 };
        var log = new StringWriter();
        TrainingResult result;
        string group;
        switch (method)
        {
            case "ctl":
                result = RetrieverTrainer.TrainCtl(Shared(FaireSlice.Create(data, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, 30), method),
                    new CtlArguments { HardNegRatio = 0.25 }, fusion, log);
                group = "contrastive_args";
                break;
            case "dca":
                result = RetrieverTrainer.TrainDca(Shared(FaireSlice.Create(data, "train_w_q.jsonl", 4, "eval_w_q.jsonl", 3, 30), method),
                    new DcaArguments
                    {
                        ReaderModelPath = TestPaths.Fixture("t5-v1_1-tiny"), PrepareCtxs = NegativeMiningSource.Bm25, NContext = 4,
                        TextMaxlength = 64, ReaderBatchSize = 2,
                    }, fusion, log);
                group = "fid_args";
                break;
            default:
                result = RetrieverTrainer.TrainRpg(Shared(FaireSlice.Create(data, "train_w_qa.jsonl", 4, "eval_w_qa.jsonl", 3, 30), method),
                    new RpgArguments
                    {
                        LmModelPath = TestPaths.Fixture("llama-tiny"), LmScoreCache = Path.Combine(data, "lm-scores.jsonl"), TextMaxlength = 128,
                        NumDocs = 4, RefreshStep = 2,
                    }, fusion, log);
                group = "replug_args";
                break;
        }

        Assert.Equal(2, result.GlobalStep);
        Assert.False(result.StoppedEarly);
        Assert.Equal(Path.Combine(work, method), result.OutputDir);
        Assert.Contains("saved the model", log.ToString()); // the log writer saw the run's lines

        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(result.OutputDir, "all_args.json")))!;
        Assert.NotNull(args[group]);
        Assert.Equal(30, args["hybrid_args"]!["rrf_k"]!.GetValue<double>());
        Assert.Equal(2, args["training_args"]!["max_steps"]!.GetValue<int>());

        // The result is trainer_state.json's.
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(result.OutputDir, "trainer_state.json")))!;
        Assert.Equal(state["global_step"]!.GetValue<int>(), result.GlobalStep);
        Assert.Equal(state["log_history"]!.AsArray().Count, result.LogHistory.Count);
        Assert.NotNull(result.BaseEvaluation);
        Assert.NotNull(result.SavedModelEvaluation);
        Assert.InRange(result.SavedModelEvaluation!["eval_retr/document_recall/recall4"], 0, 1);

        using var model = EmbeddingModel.Load(result.OutputDir);
        Assert.Equal(48, model.Dimension); // bert-tiny's hidden size (DCA without --projection)
    }

    [Fact]
    public void ACancelledRunStopsWithACheckpointAndSaysSo()
    {
        var data = Path.Combine(work, "data");
        Directory.CreateDirectory(data);
        var training = Shared(FaireSlice.Create(data, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, 30), "cancelled") with { MaxSteps = 50 };
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel(); // asked before the first step: the run stops after it
        var result = RetrieverTrainer.TrainCtl(training, new CtlArguments(), cancellation: cancellation.Token);
        Assert.True(result.StoppedEarly);
        Assert.InRange(result.GlobalStep, 1, 49);
    }

    [Fact]
    public void InputErrorsAreRqaExceptionsBeforeAnythingIsWritten()
    {
        var data = Path.Combine(work, "data");
        Directory.CreateDirectory(data);
        var valid = Shared(FaireSlice.Create(data, "train_w_q.jsonl", 6, "eval_w_q.jsonl", 3, 30), "never");
        var missing = Assert.Throws<RqaException>(() =>
            RetrieverTrainer.TrainCtl(valid with { TrainFile = Path.Combine(work, "absent.jsonl") }, new CtlArguments()));
        Assert.Contains("absent.jsonl", missing.Message);
        var outOfRange = Assert.Throws<RqaException>(() => RetrieverTrainer.TrainCtl(valid, new CtlArguments { Temperature = 0 }));
        Assert.Contains("--temperature", outOfRange.Message);
        Assert.False(Directory.Exists(valid.OutputDir));
    }
}
