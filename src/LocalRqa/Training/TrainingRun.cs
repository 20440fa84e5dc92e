using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Files;
using LocalRqa.Logging;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;
using LocalRqa.Training.Comparison;
using LocalRqa.Training.Reports;

namespace LocalRqa.Training;

/// <summary>
/// One `rqa train ctl|dca|rpg` run, the same for every method: it owns the output folder, all_args.json and
/// train.log, the document database and eval questions, loading the encoder, the evaluator, the shared
/// <see cref="Trainer"/> with its checkpoints and resume, the BM25 reference, the gain table, charts and model card,
/// `--test_file`, and `--do_train false` (evaluation only). The <see cref="TrainingAlgorithm"/> brings its data and
/// objective.
/// </summary>
internal sealed class TrainingRun
{
    readonly TrainingAlgorithm algorithm;
    DocumentCollection? documents;
    /// <summary>`--resume_from_checkpoint true` with no checkpoint yet: trained from step 0.</summary>
    bool startsOver;

    public ArgumentSet Arguments { get; }
    public TrainingArguments Args { get; }
    /// <summary>The shared fusion flags: the hybrids of evaluation and of the final comparison.</summary>
    public HybridArguments Fusion { get; }
    public RunLog Log { get; }
    /// <summary>A model name (Hub id, folder, built-in) → its local folder, resolved once per run.</summary>
    public Func<string, string> ResolveModel => preflight.ResolveModel;
    /// <summary>True for `--do_train false`: the model is loaded and evaluated, nothing is trained.</summary>
    public bool EvaluatesOnly => !Args.DoTrain;

    readonly Func<string, int, IProgress<int>>? startProgress;
    readonly RunPreflight preflight;
    /// <summary>The eval questions' BM25 and dense rankings for hybrid evaluation and the final comparison; null without them.</summary>
    EvalRankings? rankings;

    TrainingRun(TrainingAlgorithm algorithm, ArgumentSet arguments, RunLog log, Func<string, int, IProgress<int>>? startProgress,
        Func<string, string>? resolveModel)
    {
        this.algorithm = algorithm;
        this.startProgress = startProgress;
        Arguments = arguments;
        Args = arguments.Get<TrainingArguments>();
        Fusion = arguments.GetOrDefault<HybridArguments>();
        Log = log;
        preflight = new RunPreflight(resolveModel ?? ModelLocator.Resolve, log);
    }

    /// <summary>Runs <paramref name="algorithm"/> (and disposes it) with the parsed flags.</summary>
    /// <param name="onTrainerCreated">sees the trainer before it starts (Ctrl-C, progress, tests that stop it)</param>
    /// <param name="startProgress">a progress display for long work: (label, total) → progress</param>
    public static TrainerState Run(TrainingAlgorithm algorithm, ArgumentSet arguments, RunLog log, Action<Trainer>? onTrainerCreated = null,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null)
    {
        using (algorithm)
        {
            var run = new TrainingRun(algorithm, arguments, log, startProgress, resolveModel);
            return run.EvaluatesOnly ? run.EvaluateOnly() : run.Train(onTrainerCreated);
        }
    }

    /// <summary>A progress display for long work (a no-op when the run has none).</summary>
    public IProgress<int> StartProgress(string label, int total) => startProgress?.Invoke(label, total) ?? new Progress<int>();

    /// <summary>The document database (--full_dataset_file_path), loaded on first use.</summary>
    public DocumentCollection Documents()
    {
        if (documents is null)
        {
            documents = DocumentCollection.Load(Args.FullDatasetFilePath ?? throw new RqaException("--full_dataset_file_path is required"), Log);
            Log.WriteLine($"Loaded {documents.Count} documents from {Args.FullDatasetFilePath}");
        }
        return documents;
    }

    TrainerState Train(Action<Trainer>? onTrainerCreated)
    {
        // From here this process trains: its memory follows the training allocator settings, mining and evaluation included.
        Runtime.GlibcMalloc.TrainingProcess = true;
        // Everything that can be wrong with the input is found before the output folder is touched.
        if (Args.Evaluates || algorithm.NeedsDocuments || Args.TestFile is not null) Documents();
        algorithm.CheckInputs(this);
        var test = ReadTest();
        using var encoder = Preflight();
        // The method's word on the model (lengths, a projection) is a check too: still before the output folder.
        if (Args.AttentionDropout is { } attentionDropout) encoder.Model.SetAttentionDropout(attentionDropout);
        algorithm.Configure(encoder, this);
        // A checkpoint named to resume from must fit the model as configured (its projection included).
        if (Args.ResumeFromCheckpoint is { } checkpoint && !Args.ResumesFromLatestCheckpoint) RunPreflight.ResumeCheckpoint(checkpoint, encoder);
        using var folder = PrepareOutput();

        var trainCount = algorithm.LoadTrainingData(this);
        var eval = ReadEval();
        var objective = algorithm.CreateObjective(encoder, this);
        using var disposeObjective = objective as IDisposable;

        // BM25 and the hybrids join the final table unless --bm25_baseline false; a hybrid evaluation needs them anyway.
        if (eval is not null && (Args.Bm25Baseline || Args.EvalRetriever == EvalRetrieverKind.Hybrid))
            rankings = new EvalRankings(eval, Documents(), Fusion.Resolve().Depth, Args.PerDeviceEvalBatchSize);
        var evaluate = eval is null ? null : Evaluation(eval);
        var settings = TrainerSettings.FromArguments(Args, objective.BatchesPerEpoch, evaluateAtStart: evaluate != null);
        if (startsOver) settings = settings with { ResumeFromLatest = false };
        var trainer = new Trainer(settings, objective, evaluate, Log);
        onTrainerCreated?.Invoke(trainer);
        // The saved model, trainer_state.json, card, charts and test results appear together when all are written;
        // a run that fails before leaves its checkpoints and none of them.
        using var results = new ResultFiles();
        var state = trainer.Train(results);

        algorithm.AfterTraining(this);
        var bm25 = Bm25Reference.Evaluate(Args, eval, documents, Log, rankings?.Bm25);
        var dense = DenseSetup.Of(encoder, algorithm.EvaluationSimilarity(encoder));
        var comparison = Compare(state, encoder, dense, bm25, results);
        TrainingReport.Write(results, Args, state, algorithm.Description, algorithm.ReportFields(encoder), trainCount, eval?.Count, documents?.Count,
            encoder, dense, Log, algorithm.UsageNote(this), comparison is null ? bm25 : null, comparison);
        if (test is not null) EvaluateOnTest(test, encoder, algorithm.EvaluationIndex(state.GlobalStep), results);
        results.Commit();
        return state;
    }

    /// <summary>
    /// The final comparison (<see cref="FinalComparison"/>) of the saved model, and the fusion settings written beside
    /// it (hybrid_retrieval.json, with the saved model's files), so a hybrid over the folder fuses as measured here.
    /// </summary>
    RetrieverComparison? Compare(TrainerState state, SentenceEncoder encoder, DenseSetup dense, IReadOnlyDictionary<string, double>? bm25, ResultFiles results)
    {
        var kept = state.SavedModelEvaluation(Args.LoadBestModelAtEnd);
        if (rankings is null || kept is null)
        {
            if (!Fusion.AutoWeight) Fusion.Resolve().Save(results.StagingFolder(Args.OutputDir));
            return null;
        }
        var evaluator = new RetrieverEvaluator(evalQuestions!, Documents(), EvaluationOptions);
        var (computed, settings) = FinalComparison.Compute(Args, Fusion, rankings, evaluator, (int)kept["step"], SavedRankings, BaseRankings, bm25, Log);
        var comparison = computed with { Dense = dense };
        settings.Save(results.StagingFolder(Args.OutputDir));
        Json.JsonFile.Write(results.Stage(Path.Combine(Args.OutputDir, RetrieverComparison.FileName)), comparison.ToJson());
        Log.WriteLine($"fusion settings for a hybrid over the saved model ({HybridSettings.FileName}): {settings.Describe()}");
        return comparison;

        // The saved step's rankings were evaluated before a resume: rank again with the saved weights.
        DenseRankings SavedRankings()
        {
            using var retriever = Retriever(encoder, algorithm.EvaluationIndex(state.GlobalStep), "comparison: embedding documents");
            return rankings.Rank(retriever.Value);
        }

        // A resumed run did not evaluate step 0 in this process: load the base model again and rank, unless the method
        // changed it before step 0 in a way that was not saved (DCA's fresh random projection).
        DenseRankings? BaseRankings()
        {
            using var baseModel = preflight.Retriever(Args.ModelNameOrPath, algorithm.EncoderOverrides(this));
            if ((baseModel.Projection is null) != (encoder.Projection is null)) return null;
            Log.WriteLine($"the run was resumed: ranking the eval questions with the base model {Args.ModelNameOrPath} again for the final table");
            using var retriever = Retriever(baseModel, algorithm.EvaluationIndex(0), "comparison: base model: embedding documents");
            return rankings.Rank(retriever.Value);
        }
    }

    /// <summary>
    /// The run's pre-flight, before anything is written, scored or trained (<see cref="RunPreflight"/>): the output
    /// folders, the metric that picks the best checkpoint, the method's models and files, and the encoder, loaded as the
    /// method loads it and kept for the run.
    /// </summary>
    SentenceEncoder Preflight()
    {
        RunPreflight.OutputFolder("--output_dir", Args.OutputDir);
        if (Args.LoggingDir is { } loggingDir) RunPreflight.OutputFolder("--logging_dir", loggingDir);
        if (Args.Evaluates && !EvaluatesOnly)
            RunPreflight.Metric("--metric_for_best_model", Args.MetricForBestModel, RetrieverEvaluator.MetricNames("eval"));
        algorithm.Preflight(preflight, this);
        return preflight.Retriever(Args.ModelNameOrPath, algorithm.EncoderOverrides(this));
    }

    /// <summary>
    /// The output folder, held for this run (refused when another run holds it or it holds another run), all_args.json,
    /// train.log (continued when resuming), the logging folder.
    /// </summary>
    OutputDirLock PrepareOutput()
    {
        var held = TrainingOutputDir.Prepare(Args);
        Arguments.WriteAllArgs(Args.OutputDir);
        var resuming = Args.ResumeFromCheckpoint is not null;
        Log.AttachFile(Path.Combine(Args.OutputDir, "train.log"), append: resuming);
        if (resuming) Log.WriteLine($"continuing the run in {Args.OutputDir} (--resume_from_checkpoint {Args.ResumeFromCheckpoint})");
        // Unlike HF (which raises), a run killed before its first checkpoint is resumed by starting it over.
        startsOver = !EvaluatesOnly && TrainingOutputDir.StartsOver(Args);
        if (startsOver)
            Log.WriteLine($"--resume_from_checkpoint true: {Args.OutputDir} has no checkpoint yet (the run stopped before its first); " +
                          "training starts over from step 0, reusing what the run saved that is still valid");
        if (Args.LoggingDir is { } loggingDir) Directory.CreateDirectory(loggingDir);
        return held;
    }

    /// <summary>`--test_file`'s questions, read with the other inputs: a bad file must not wait for the end of training.</summary>
    IReadOnlyList<RetrievalExample>? ReadTest() => Args.TestFile is { } testFile ? RetrievalDataReader.Read(testFile, Log) : null;

    IReadOnlyList<RetrievalExample>? ReadEval()
    {
        if (!Args.Evaluates) return null;
        var eval = algorithm.ReadEvalQuestions(this, Documents());
        Log.WriteLine($"Loaded {eval.Count} eval questions from {Args.EvalFile}");
        return eval;
    }

    /// <summary>
    /// Evaluation during training: the model at a step, as a dense retriever over the database; with
    /// `--eval_retriever hybrid`, that retriever (over the method's index when it has one) fused with the run's BM25, at
    /// the fixed --hybrid_weight (0.5 with auto). Each step's dense ranking is kept for the final comparison.
    /// </summary>
    Func<SentenceEncoder, int, RetrieverEvaluation> Evaluation(IReadOnlyList<RetrievalExample> eval)
    {
        evalQuestions = eval;
        return (model, step) =>
        {
            using var retriever = Retriever(model, algorithm.EvaluationIndex(step), $"eval step {step}: embedding documents");
            var evaluator = new RetrieverEvaluator(eval, Documents(), EvaluationOptions);
            if (Args.EvalRetriever == EvalRetrieverKind.Dense)
            {
                var evaluation = evaluator.Evaluate(retriever.Value, "eval", Log);
                rankings?.RecordDense(step, retriever.Value, evaluation);
                return evaluation;
            }
            rankings?.RecordDense(step, retriever.Value);
            using var hybrid = new HybridRetriever(retriever.Value, rankings!.Bm25, Fusion.Resolve(), ownsDense: false);
            return evaluator.Evaluate(hybrid, "eval", Log);
        };
    }

    /// <summary>The eval questions evaluation during training scores, for the final comparison.</summary>
    IReadOnlyList<RetrievalExample>? evalQuestions;

    /// <summary>How evaluation during training and the final comparison score a retriever.</summary>
    EvaluatorOptions EvaluationOptions => new() { BatchSize = Args.PerDeviceEvalBatchSize, SaveDepth = Args.SaveDepth, Seed = Args.Seed, BootstrapResamples = 200 };

    /// <summary>A dense retriever of <paramref name="model"/>: over a given index (not disposed here), else over a new one.</summary>
    OwnedRetriever Retriever(SentenceEncoder model, (Indexing.IVectorIndex Index, string Description)? given, string progressLabel)
    {
        if (given is { } index)
        {
            Log.WriteLine($"evaluation: {index.Description}");
            return new OwnedRetriever(new DenseRetriever(model, index.Index, Args.PerDeviceEvalBatchSize, index.Description), owned: false);
        }
        var built = DenseRetriever.Build(model, Documents(), algorithm.EvaluationSimilarity(model), Args.PerDeviceEvalBatchSize, log: Log,
            startProgress: total => StartProgress(progressLabel, total));
        return new OwnedRetriever(built, owned: true);
    }

    /// <summary>`--test_file`: the saved model evaluated once, as `rqa test-retriever` would, into test_score.json.</summary>
    void EvaluateOnTest(IReadOnlyList<RetrievalExample> test, SentenceEncoder encoder, (Indexing.IVectorIndex, string)? given, ResultFiles results)
    {
        var testFile = Args.TestFile!;
        using var retriever = Retriever(encoder, given, "test: embedding documents");
        var evaluation = new RetrieverEvaluator(test, Documents(), new EvaluatorOptions { BatchSize = Args.PerDeviceEvalBatchSize, SaveDepth = Args.SaveDepth, Seed = Args.Seed })
            .Evaluate(retriever.Value, MetricPrefix.Test, Log);
        Json.JsonFile.Write(results.Stage(Path.Combine(Args.OutputDir, "test_score.json")), evaluation.ScoresJson());
        PredictionsFile.Write(results.Stage(Path.Combine(Args.OutputDir, "test-predictions.jsonl")), evaluation.Predictions);
        Log.WriteLine(EvaluationSummary.Table(evaluation, MetricPrefix.Test, $"trained model on {testFile}"));
    }

    /// <summary>
    /// `--do_train false` (HF's eval-only mode): the model, loaded as the method would load it (fused with BM25 with
    /// `--eval_retriever hybrid`), evaluated once on --eval_file into eval_score.json, eval-predictions.jsonl and a trainer_state.json holding that evaluation.
    /// </summary>
    TrainerState EvaluateOnly()
    {
        if (!Args.Evaluates || Args.EvalFile is null || Args.FullDatasetFilePath is null)
            throw new RqaException("--do_train false evaluates only: it needs --eval_file and --full_dataset_file_path");
        var eval = ReadEval()!;
        var test = ReadTest();
        using var encoder = Preflight();
        using var folder = PrepareOutput();
        using var results = new ResultFiles();
        using var retriever = Retriever(encoder, null, "embedding documents");
        // --eval_retriever hybrid: the model fused with BM25, as evaluation during training would measure it (w 0.5 with auto).
        using var hybrid = Args.EvalRetriever == EvalRetrieverKind.Hybrid
            ? new HybridRetriever(retriever.Value, new Bm25Retriever(Documents().Documents), Fusion.Resolve(), ownsDense: false)
            : null;
        var evaluation = new RetrieverEvaluator(eval, Documents(), new EvaluatorOptions { BatchSize = Args.PerDeviceEvalBatchSize, SaveDepth = Args.SaveDepth, Seed = Args.Seed })
            .Evaluate(hybrid is null ? retriever.Value : hybrid, "eval", Log);
        Json.JsonFile.Write(results.Stage(Path.Combine(Args.OutputDir, "eval_score.json")), evaluation.ScoresJson());
        PredictionsFile.Write(results.Stage(Path.Combine(Args.OutputDir, "eval-predictions.jsonl")), evaluation.Predictions);
        Log.WriteLine(EvaluationSummary.Table(evaluation, "eval", $"{Args.ModelNameOrPath} on {Args.EvalFile}"));
        var state = new TrainerState();
        var entry = evaluation.Scores.Where(kv => !kv.Key.Contains("_ci95_")).ToDictionary();
        entry["step"] = 0;
        state.LogHistory.Add(entry);
        if (test is not null) EvaluateOnTest(test, encoder, null, results);
        state.Save(results.Stage(Path.Combine(Args.OutputDir, TrainerState.FileName)));
        results.Commit();
        return state;
    }

    /// <summary>A retriever that is disposed only when this run built it (a borrowed index belongs to its method).</summary>
    readonly struct OwnedRetriever(DenseRetriever retriever, bool owned) : IDisposable
    {
        public DenseRetriever Value => retriever;
        public void Dispose()
        {
            if (owned) retriever.Dispose();
        }
    }
}
