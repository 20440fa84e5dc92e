using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Jobs;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Retrieval;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Mining;
using LocalRqa.Training.Reports;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

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
        if (!args.DoTrain)
            return EvaluationOnlyJob.Run(arguments, log, new EncoderOverrides { Pooling = args.PoolingType, MaxLength = ctl.EvalMaxLength, UsePrompts = ctl.UsePrompts },
                _ => ctl.Similarity == ContrastiveSimilarity.Cosine ? Similarity.Cosine : Similarity.InnerProduct, startProgress, resolveModel);
        var output = args.OutputDir;
        TrainingOutputDir.Prepare(args);
        arguments.WriteAllArgs(output);
        log.AttachFile(Path.Combine(output, "train.log"));
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");

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
        if (args.AttentionDropout is { } attentionDropout) encoder.Model.SetAttentionDropout(attentionDropout);
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
        var settings = TrainerSettings.FromArguments(args, objective.BatchesPerEpoch, evaluateAtStart: evaluate != null);
        if (args.LoggingDir is { } loggingDir) Directory.CreateDirectory(loggingDir);
        var trainer = new Trainer(settings, objective, evaluate, log);
        onTrainerCreated?.Invoke(trainer);
        var state = trainer.Train();

        WriteReports(args, ctl, state, train.Count, eval?.Count, documents?.Count, encoder, log, Bm25Reference.Evaluate(args, eval, documents, log));
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
    /// <param name="passageIndex">the documents' index when it is not the model's own (query-side training); else built here</param>
    internal static void EvaluateOnTest(string testFile, TrainingArguments args, SentenceEncoder encoder, Similarity similarity, DocumentCollection? documents,
        RunLog log, Indexing.IVectorIndex? passageIndex = null)
    {
        documents ??= DocumentCollection.Load(args.FullDatasetFilePath ?? throw new RqaException("--test_file needs --full_dataset_file_path"), log);
        var test = RetrievalDataReader.Read(testFile);
        // A retriever over a borrowed index must not dispose it: the caller owns it.
        var retriever = passageIndex is null
            ? DenseRetriever.Build(encoder, documents, similarity, args.PerDeviceEvalBatchSize, log: log)
            : new DenseRetriever(encoder, passageIndex, args.PerDeviceEvalBatchSize, $"dense ({similarity.Name()}, given index)");
        using var owned = passageIndex is null ? retriever : null;
        var evaluation = new RetrieverEvaluator(test, documents, new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed })
            .Evaluate(retriever, TestRetrieverJob.Prefix, log);
        Json.JsonFile.Write(Path.Combine(args.OutputDir, "test_score.json"), evaluation.ScoresJson());
        PredictionsFile.Write(Path.Combine(args.OutputDir, "test-predictions.jsonl"), evaluation.Predictions);
        log.WriteLine(EvaluationSummary.Table(evaluation, TestRetrieverJob.Prefix, $"trained model on {testFile}"));
    }

    static int CheckLength(int length, string flag, SentenceEncoder encoder) =>
        length <= encoder.Model.Config.MaxPositionEmbeddings
            ? length
            : throw new RqaException($"{flag} {length} exceeds the model's max_position_embeddings ({encoder.Model.Config.MaxPositionEmbeddings})");

    static void WriteReports(TrainingArguments args, CtlArguments ctl, TrainerState state, int trainCount, int? evalCount, int? documentCount,
        SentenceEncoder encoder, RunLog log, IReadOnlyDictionary<string, double>? bm25) =>
        TrainingReport.Write(args, state, "CTL (in-batch contrastive learning with hard negatives)", new Dictionary<string, object?>
        {
            ["hard_neg_ratio"] = ctl.HardNegRatio, ["temperature"] = ctl.Temperature, ["similarity"] = ctl.Similarity.ToString().ToLowerInvariant(),
            ["mask_false_negatives"] = ctl.MaskFalseNegatives, ["grad_cache_chunk_size"] = ctl.GradCacheChunkSize,
            ["mine_hard_negatives"] = ctl.MineHardNegatives.ToString().ToLowerInvariant(),
        }, trainCount, evalCount, documentCount, encoder, log, bm25: bm25);
}
