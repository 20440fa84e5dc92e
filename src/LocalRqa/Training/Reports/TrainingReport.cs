using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Logging;
using LocalRqa.Training.Comparison;

namespace LocalRqa.Training.Reports;

/// <summary>
/// How every trainer's run ends: the gain table (base model against the saved one, with BM25 for reference) in the
/// log, the charts, and the model card beside the saved model.
/// </summary>
internal static class TrainingReport
{
    /// <param name="algorithm">the model card's one-line name of the training method</param>
    /// <param name="arguments">the settings the card lists, after the shared ones it adds itself</param>
    /// <param name="usageNote">what a user must know before using the model, if anything</param>
    /// <param name="bm25">BM25's evaluation on the same questions (<see cref="Bm25Reference"/>), if run</param>
    /// <param name="comparison">base dense, saved dense, BM25 and the hybrids (<see cref="FinalComparison"/>), when computed:
    /// then the table and the card show it and say what to deploy</param>
    /// <param name="results">where the charts and card are staged, to appear with the saved model</param>
    /// <param name="dense">the similarity and prompts the model was evaluated with: the card says to use them</param>
    public static void Write(ResultFiles results, TrainingArguments args, TrainerState state, string algorithm, IReadOnlyDictionary<string, object?> arguments,
        int trainCount, int? evalCount, int? documentCount, SentenceEncoder encoder, DenseSetup dense, RunLog log, string? usageNote = null,
        IReadOnlyDictionary<string, double>? bm25 = null, RetrieverComparison? comparison = null)
    {
        var baseline = state.BaseEvaluation();
        var kept = state.SavedModelEvaluation(args.LoadBestModelAtEnd);
        if (comparison is not null)
            log.WriteLine($"Evaluation on {args.EvalFile} ({evalCount} questions), base model against the saved model, as dense retrievers, " +
                          $"BM25, and each fused with BM25 (evaluation during training measured the {(args.EvalRetriever == EvalRetrieverKind.Hybrid ? "hybrid" : "dense")} one):\n" +
                          GainTable.Format(comparison));
        else if (GainTable.Format(baseline, kept, "eval", "base", kept is null ? "" : $"step {kept["step"]}", bm25) is { } table)
            log.WriteLine($"Evaluation on {args.EvalFile} ({evalCount} questions), base model against the saved model" +
                          $"{(bm25 is null ? "" : ", BM25 for reference")}:\n{table}");
        var charts = TrainingCharts.Write(results.StagingFolder(args.OutputDir), state, baseline);
        if (charts.Warning is { } warning) log.WriteLine($"warning: {warning}");

        var data = new List<ModelCardDataset> { new("train", args.TrainFile!, trainCount, "questions") };
        if (evalCount is { } e) data.Add(new ModelCardDataset("eval", args.EvalFile!, e, "questions"));
        if (documentCount is { } d) data.Add(new ModelCardDataset("documents", args.FullDatasetFilePath!, d, "passages"));
        var listed = new Dictionary<string, object?>
        {
            ["learning_rate"] = args.LearningRate, ["per_device_train_batch_size"] = args.PerDeviceTrainBatchSize,
            ["max_steps"] = state.MaxSteps, ["lr_scheduler_type"] = args.LrSchedulerType.ToString().ToLowerInvariant(),
            ["warmup_ratio"] = args.WarmupRatio, ["pooling_type"] = args.PoolingType.Name(), ["seed"] = args.Seed,
            ["eval_retriever"] = args.EvalRetriever == EvalRetrieverKind.Hybrid ? "hybrid" : "dense",
        };
        foreach (var (name, value) in arguments) listed[name] = value;
        ModelCard.Write(results.Stage(Path.Combine(args.OutputDir, ModelCard.FileName)), new ModelCardInfo
        {
            ModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(args.OutputDir))),
            Algorithm = algorithm,
            BaseModel = BaseModelReference.For(args.ModelNameOrPath),
            Data = data,
            Arguments = listed,
            BaseMetrics = Retrieval(baseline),
            FinalMetrics = Retrieval(kept),
            Bm25Metrics = Retrieval(bm25),
            Comparison = comparison,
            Dense = dense,
            Charts = charts.Files.Select(Path.GetFileName).ToList()!,
            // The names SentenceTransformersFolder saves: a prompt only when it is not empty.
            PromptNames = new[] { ("query", encoder.Settings.QueryPrompt), ("passage", encoder.Settings.PassagePrompt) }
                .Where(p => p.Item2.Length > 0).Select(p => p.Item1).ToHashSet(),
            SentenceTransformersCaveat = encoder.SentenceTransformersCaveat,
            UsageNote = state.StoppedEarly
                ? $"training was stopped early at step {state.GlobalStep} of {state.MaxSteps}: this is not the finished model; " +
                  $"continue it with --resume_from_checkpoint true.{(usageNote is null ? "" : " " + usageNote)}"
                : usageNote,
        });
    }

    static Dictionary<string, double> Retrieval(IReadOnlyDictionary<string, double>? evaluation) =>
        evaluation?.Where(kv => kv.Key.StartsWith("eval_retr/", StringComparison.Ordinal)).ToDictionary() ?? [];
}
