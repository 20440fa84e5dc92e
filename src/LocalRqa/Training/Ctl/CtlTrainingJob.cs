using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Retrieval;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Mining;
using LocalRqa.Training.Reports;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// `rqa train ctl` (LocalRQA's scripts/train/retriever/train_ctl_retriever.py): fine-tunes a retriever with
/// in-batch contrastive learning, evaluates it during training, and leaves in `--output_dir` the best model as a
/// HuggingFace + sentence-transformers folder, checkpoints, trainer_state.json, train.log, all_args.json,
/// charts and a model card.
/// </summary>
public static class CtlTrainingJob
{
    public static TrainerState Run(ArgumentSet arguments, RunLog log, Action<Trainer>? onTrainerCreated = null,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null)
    {
        var args = arguments.Get<TrainingArguments>();
        var ctl = arguments.Get<CtlArguments>();
        var output = args.OutputDir;
        PrepareOutputDir(args);
        arguments.WriteAllArgs(output);
        log.AttachFile(Path.Combine(output, "train.log"));
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");

        if (!args.DoTrain) return EvaluateOnly(args, ctl, log, startProgress, resolveModel);
        var train = RetrievalDataReader.Read(args.TrainFile!);
        log.WriteLine($"Loaded {train.Count} training questions from {args.TrainFile}");
        DocumentCollection? documents = null;
        IReadOnlyList<RetrievalExample>? eval = null;
        if (args.Evaluates || ctl.MineHardNegatives != NegativeMiningSource.None)
        {
            documents = DocumentCollection.Load(args.FullDatasetFilePath!, log);
            log.WriteLine($"Loaded {documents.Count} documents");
        }
        if (args.Evaluates)
        {
            eval = RetrievalDataReader.Read(args.EvalFile!);
            log.WriteLine($"Loaded {eval.Count} eval questions from {args.EvalFile}");
        }

        var folder = (resolveModel ?? ModelLocator.Resolve)(args.ModelNameOrPath);
        using var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { Pooling = args.PoolingType, UsePrompts = ctl.UsePrompts });
        // Train on --max_length tokens; evaluate and save with --eval_max_length (default: the model's own).
        if (ctl.EvalMaxLength is { } evalLength) encoder.Settings = encoder.Settings with { MaxLength = CheckLength(evalLength, "--eval_max_length", encoder) };
        var trainMaxLength = ctl.MaxLength is { } trainLength ? CheckLength(trainLength, "--max_length", encoder) : encoder.Settings.MaxLength;
        // The saved model says how it was trained to be compared, so evaluation and Python use the same similarity.
        var similarity = ctl.Similarity == ContrastiveSimilarity.Cosine ? Similarity.Cosine : Similarity.InnerProduct;
        encoder.Settings = encoder.Settings with { SimilarityFunction = ctl.Similarity == ContrastiveSimilarity.Cosine ? "cosine" : "dot" };
        log.WriteLine($"Model {args.ModelNameOrPath} ({folder}): pooling {encoder.Settings.Pooling.Name()}, normalize {encoder.Settings.Normalize.ToString().ToLowerInvariant()}, " +
                      $"max length {trainMaxLength} (eval {encoder.Settings.MaxLength}), similarity {similarity.Name()}");

        // The untrained model's index, when mining built one: the evaluation at step 0 needs exactly it.
        DenseRetriever? initialIndex = null;
        if (ctl.MineHardNegatives != NegativeMiningSource.None)
            (train, initialIndex) = MineNegatives(train, ctl, documents!, encoder, similarity, args, log, startProgress);
        using var disposeInitialIndex = initialIndex;

        var objective = new CtlObjective(encoder, train, args.PerDeviceTrainBatchSize, args.Seed,
            new CtlBatchBuilder(ctl.HardNegRatio, ctl.MaskFalseNegatives), ctl.Temperature, ctl.Similarity, ctl.GradCacheChunkSize, trainMaxLength, log);
        Func<SentenceEncoder, int, RetrieverEvaluation>? evaluate = null;
        if (documents != null && eval != null)
        {
            var options = new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed, BootstrapResamples = 200 };
            evaluate = (model, step) =>
            {
                if (step == 0 && initialIndex is { } reuse)
                {
                    log.WriteLine("eval step 0: reusing the index built for mining");
                    return new RetrieverEvaluator(eval, documents, options).Evaluate(reuse, "eval", log);
                }
                using var retriever = DenseRetriever.Build(model, documents, similarity, args.PerDeviceEvalBatchSize, log: log,
                    startProgress: total => startProgress?.Invoke($"eval step {step}: embedding documents", total) ?? new Progress<int>());
                return new RetrieverEvaluator(eval, documents, options).Evaluate(retriever, "eval", log);
            };
        }
        var settings = new TrainerSettings
        {
            OutputDir = output,
            LearningRate = args.LearningRate,
            WeightDecay = args.WeightDecay,
            MaxSteps = args.MaxSteps,
            NumTrainEpochs = args.NumTrainEpochs,
            WarmupRatio = args.WarmupRatio,
            WarmupSteps = args.WarmupSteps,
            Schedule = args.LrSchedulerType,
            LoggingSteps = args.LoggingSteps,
            EvalSteps = args.EvaluationStrategy switch
            {
                IntervalStrategy.Steps => args.EvalSteps,
                IntervalStrategy.Epoch => objective.BatchesPerEpoch,
                _ => 0,
            },
            SaveSteps = args.SaveStrategy switch
            {
                IntervalStrategy.Steps => args.SaveSteps,
                IntervalStrategy.Epoch => objective.BatchesPerEpoch,
                _ => 0,
            },
            SaveTotalLimit = args.SaveTotalLimit ?? int.MaxValue,
            Seed = args.Seed,
            GradientAccumulationSteps = args.GradientAccumulationSteps,
            MaxGradNorm = args.MaxGradNorm,
            MetricForBestModel = args.MetricForBestModel,
            GreaterIsBetter = args.GreaterIsBetter,
            EvaluateAtStart = evaluate != null,
            ResumeFromCheckpoint = args.ResumeFromCheckpoint,
            ReportJsonlPath = args.ReportTo == ReportTarget.Jsonl ? Path.Combine(args.LoggingDir ?? output, "log_history.jsonl") : null,
            TensorBoardDir = args.ReportTo == ReportTarget.Tensorboard ? args.LoggingDir ?? Path.Combine(output, "runs") : null,
        };
        if (args.LoggingDir is { } loggingDir) Directory.CreateDirectory(loggingDir);
        var trainer = new Trainer(settings, objective, evaluate, log);
        onTrainerCreated?.Invoke(trainer);
        var state = trainer.Train();

        WriteReports(args, ctl, state, train.Count, eval?.Count, documents?.Count, encoder, log);
        if (args.TestFile is { } testFile) EvaluateOnTest(testFile, args, encoder, similarity, documents, log);
        return state;
    }

    /// <summary>
    /// `--mine_hard_negatives`: every training question searched in the database before training (with the base model,
    /// also on resume, so a resumed run trains on the same negatives), the mined passages listed in mined_negatives.jsonl.
    /// </summary>
    static (IReadOnlyList<RetrievalExample>, DenseRetriever?) MineNegatives(IReadOnlyList<RetrievalExample> train, CtlArguments ctl,
        DocumentCollection documents, SentenceEncoder encoder, Similarity similarity, TrainingArguments args, RunLog log,
        Func<string, int, IProgress<int>>? startProgress)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DenseRetriever? dense = null;
        IRetriever retriever;
        if (ctl.MineHardNegatives == NegativeMiningSource.Dense)
            retriever = dense = DenseRetriever.Build(encoder, documents, similarity, args.PerDeviceEvalBatchSize, log: log,
                startProgress: total => startProgress?.Invoke("mining: embedding documents", total) ?? new Progress<int>());
        else
            retriever = new Bm25Retriever(documents.Documents);
        try
        {
            var miner = new HardNegativeMiner(ctl.MinedNegativesPerQuestion, ctl.MiningSkipTop, ctl.MiningDepth);
            var result = miner.Mine(train, retriever, documents, startProgress?.Invoke("mining: searching questions", train.Count));
            var name = ctl.MineHardNegatives.ToString().ToLowerInvariant();
            log.WriteLine($"Mined {ctl.MinedNegativesPerQuestion} hard negatives per question with {name} (ranks {ctl.MiningSkipTop + 1} to {ctl.MiningDepth}) "
                + $"in {clock.Elapsed.TotalSeconds:F1} s; written to {MinedNegativesFile}");
            if (result.Shortfall > 0)
                log.WriteLine($"warning: {result.Shortfall} questions got fewer than {ctl.MinedNegativesPerQuestion} mined negatives (raise --mining_depth)");
            // A LocalRQA training file, so the mined data can be reused as it is (also by LocalRQA itself).
            Json.JsonLinesFile.Write(Path.Combine(args.OutputDir, MinedNegativesFile), result.Examples, (writer, e) =>
            {
                writer.WriteStartObject();
                WriteDocuments(writer, "gold_docs", e.GoldDocs);
                WriteDocuments(writer, "hard_neg_docs", e.HardNegDocs);
                writer.WriteStartArray("chat_history");
                writer.WriteEndArray();
                writer.WriteStartArray("questions");
                writer.WriteStringValue(e.Question);
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return (result.Examples, dense);
        }
        catch
        {
            dense?.Dispose();
            throw;
        }
    }

    static void WriteDocuments(System.Text.Json.Utf8JsonWriter writer, string name, IReadOnlyList<Document> documents)
    {
        writer.WriteStartArray(name);
        foreach (var document in documents) DocumentJson.Write(writer, document);
        writer.WriteEndArray();
    }

    /// <summary>The training questions with their mined negatives first in hard_neg_docs, one question per line.</summary>
    public const string MinedNegativesFile = "train_with_mined_negatives.jsonl";

    /// <summary>`--test_file`: the final (best) model evaluated once, as `rqa test-retriever` would, into test_score.json.</summary>
    internal static void EvaluateOnTest(string testFile, TrainingArguments args, SentenceEncoder encoder, Similarity similarity, DocumentCollection? documents, RunLog log)
    {
        documents ??= DocumentCollection.Load(args.FullDatasetFilePath ?? throw new RqaException("--test_file needs --full_dataset_file_path"), log);
        var test = RetrievalDataReader.Read(testFile);
        using var retriever = DenseRetriever.Build(encoder, documents, similarity, args.PerDeviceEvalBatchSize, log: log);
        var evaluation = new RetrieverEvaluator(test, documents, new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed })
            .Evaluate(retriever, TestRetrieverJob.Prefix, log);
        Json.JsonFile.Write(Path.Combine(args.OutputDir, "test_score.json"), evaluation.ScoresJson());
        PredictionsFile.Write(Path.Combine(args.OutputDir, "test-predictions.jsonl"), evaluation.Predictions);
        log.WriteLine(EvaluationSummary.Table(evaluation, TestRetrieverJob.Prefix, $"trained model on {testFile}"));
    }

    /// <summary>`--do_train false`: the model evaluated on --eval_file (HF's eval-only mode) into eval_score.json.</summary>
    static TrainerState EvaluateOnly(TrainingArguments args, CtlArguments ctl, RunLog log, Func<string, int, IProgress<int>>? startProgress,
        Func<string, string>? resolveModel)
    {
        if (!args.Evaluates || args.EvalFile is null || args.FullDatasetFilePath is null)
            throw new RqaException("--do_train false evaluates only: it needs --eval_file and --full_dataset_file_path");
        var documents = DocumentCollection.Load(args.FullDatasetFilePath, log);
        var eval = RetrievalDataReader.Read(args.EvalFile);
        var folder = (resolveModel ?? ModelLocator.Resolve)(args.ModelNameOrPath);
        using var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { Pooling = args.PoolingType, MaxLength = ctl.EvalMaxLength, UsePrompts = ctl.UsePrompts });
        var similarity = ctl.Similarity == ContrastiveSimilarity.Cosine ? Similarity.Cosine : Similarity.InnerProduct;
        using var retriever = DenseRetriever.Build(encoder, documents, similarity, args.PerDeviceEvalBatchSize, log: log,
            startProgress: total => startProgress?.Invoke("embedding documents", total) ?? new Progress<int>());
        var evaluation = new RetrieverEvaluator(eval, documents, new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed })
            .Evaluate(retriever, "eval", log);
        Json.JsonFile.Write(Path.Combine(args.OutputDir, "eval_score.json"), evaluation.ScoresJson());
        PredictionsFile.Write(Path.Combine(args.OutputDir, "eval-predictions.jsonl"), evaluation.Predictions);
        log.WriteLine(EvaluationSummary.Table(evaluation, "eval", $"{args.ModelNameOrPath} on {args.EvalFile}"));
        var state = new TrainerState();
        var entry = evaluation.Scores.Where(kv => !kv.Key.Contains("_ci95_")).ToDictionary();
        entry["step"] = 0;
        state.LogHistory.Add(entry);
        state.Save(Path.Combine(args.OutputDir, TrainerState.FileName));
        return state;
    }

    static int CheckLength(int length, string flag, SentenceEncoder encoder) =>
        length <= encoder.Model.Config.MaxPositionEmbeddings
            ? length
            : throw new RqaException($"{flag} {length} exceeds the model's max_position_embeddings ({encoder.Model.Config.MaxPositionEmbeddings})");

    internal static void PrepareOutputDir(TrainingArguments args)
    {
        var output = args.OutputDir;
        if (File.Exists(output)) throw new RqaException($"--output_dir {output} is a file, not a folder");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !args.OverwriteOutputDir && args.ResumeFromCheckpoint is null)
            throw new RqaException($"--output_dir {output} already holds a run; pass --overwrite_output_dir to replace it or --resume_from_checkpoint to continue it");
        if (args.OverwriteOutputDir && args.ResumeFromCheckpoint is null && Directory.Exists(output))
            foreach (var entry in Directory.EnumerateFileSystemEntries(output))
                if (Directory.Exists(entry)) Directory.Delete(entry, true); else File.Delete(entry);
        Directory.CreateDirectory(output);
        // Staging folders of a save that was killed hold nothing anyone needs.
        foreach (var stale in Directory.GetDirectories(output, TrainingCheckpoints.Prefix + "*.tmp-*")) Directory.Delete(stale, true);
    }

    static void WriteReports(TrainingArguments args, CtlArguments ctl, TrainerState state, int trainCount, int? evalCount, int? documentCount,
        SentenceEncoder encoder, RunLog log)
    {
        var evals = state.LogHistory.Where(e => e.Keys.Any(k => k.StartsWith("eval_retr/", StringComparison.Ordinal))).ToList();
        var baseline = evals.FirstOrDefault(e => e["step"] == 0);
        var final = evals.LastOrDefault(e => e["step"] > 0);
        var kept = state.BestModelCheckpoint is not null
            ? evals.LastOrDefault(x => x.TryGetValue(args.MetricForBestModel, out var v) && v == state.BestMetric && x["step"] > 0) ?? final
            : final;
        if (GainTable.Format(baseline, kept, "eval", "base", kept is null ? "" : $"step {kept["step"]}") is { } table)
            log.WriteLine($"Evaluation on {args.EvalFile} ({evalCount} questions), base model against the saved model:\n{table}");
        var charts = TrainingCharts.Write(args.OutputDir, state, baseline);
        if (charts.Warning is { } warning) log.WriteLine($"warning: {warning}");
        var data = new List<ModelCardDataset> { new("train", args.TrainFile!, trainCount, "questions") };
        if (evalCount is { } e) data.Add(new ModelCardDataset("eval", args.EvalFile!, e, "questions"));
        if (documentCount is { } d) data.Add(new ModelCardDataset("documents", args.FullDatasetFilePath!, d, "passages"));
        ModelCard.Write(Path.Combine(args.OutputDir, ModelCard.FileName), new ModelCardInfo
        {
            ModelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(args.OutputDir))),
            Algorithm = "CTL (in-batch contrastive learning with hard negatives)",
            BaseModel = args.ModelNameOrPath,
            Data = data,
            Arguments = new Dictionary<string, object?>
            {
                ["learning_rate"] = args.LearningRate, ["per_device_train_batch_size"] = args.PerDeviceTrainBatchSize,
                ["max_steps"] = state.MaxSteps, ["lr_scheduler_type"] = args.LrSchedulerType.ToString().ToLowerInvariant(),
                ["warmup_ratio"] = args.WarmupRatio, ["hard_neg_ratio"] = ctl.HardNegRatio, ["temperature"] = ctl.Temperature,
                ["similarity"] = ctl.Similarity.ToString().ToLowerInvariant(), ["pooling_type"] = args.PoolingType.Name(),
                ["mask_false_negatives"] = ctl.MaskFalseNegatives, ["grad_cache_chunk_size"] = ctl.GradCacheChunkSize, ["seed"] = args.Seed,
            },
            BaseMetrics = baseline?.Where(kv => kv.Key.StartsWith("eval_retr/")).ToDictionary() ?? new Dictionary<string, double>(),
            FinalMetrics = kept?.Where(kv => kv.Key.StartsWith("eval_retr/")).ToDictionary() ?? new Dictionary<string, double>(),
            Charts = charts.Files.Select(Path.GetFileName).ToList()!,
            HasPrompts = encoder.Settings.QueryPrompt.Length > 0 || encoder.Settings.PassagePrompt.Length > 0,
        });
        if (baseline != null && final != null)
        {
            log.WriteLine("eval: base model -> trained model");
            foreach (var key in new[] { "eval_retr/document_recall/recall1", "eval_retr/document_recall/recall4", "eval_retr/ranking/mrr@10", "eval_retr/ranking/ndcg@10" })
                if (baseline.TryGetValue(key, out var before) && final.TryGetValue(key, out var after))
                    log.WriteLine($"  {key,-40} {before:F3} -> {after:F3} ({after - before:+0.000;-0.000;0.000})");
        }
    }
}
