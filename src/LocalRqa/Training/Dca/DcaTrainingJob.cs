using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Jobs;
using LocalRqa.Logging;
using LocalRqa.Retrieval;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Mining;
using LocalRqa.Training.Optimization;
using LocalRqa.Training.Reports;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

namespace LocalRqa.Training.Dca;

/// <summary>
/// `rqa train dca` (LocalRQA's scripts/train/retriever/train_fid_retriever.py): distils a FiD T5 reader's
/// cross-attention into a retriever. The train (and eval) DCA files are scored by the reader into
/// <c>&lt;name&gt;_wscore.json</c> beside them (<c>--with_score False</c>) or read from there (<c>True</c>); the gold
/// (first) ctx's score is then boosted (<see cref="GoldScoreBoost"/>, on both paths, as LocalRQA's modify_score). LocalRQA
/// train/eval files get their ctxs first with <c>--prepare_ctxs</c>. Outputs are CTL's: all_args.json, train.log,
/// checkpoints, trainer_state.json, the best model (with its projection), model card, charts and the gain table.
/// </summary>
public static class DcaTrainingJob
{
    public static TrainerState Run(ArgumentSet arguments, RunLog log, Action<Trainer>? onTrainerCreated = null,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null)
    {
        var args = arguments.Get<TrainingArguments>();
        var dca = arguments.Get<DcaArguments>();
        var resolve = resolveModel ?? ModelLocator.Resolve;
        // Evaluated as it would be trained: DCA's pooling, and the model's own similarity (a DCA-trained folder says dot).
        if (!args.DoTrain)
            return EvaluationOnlyJob.Run(arguments, log, new EncoderOverrides { Pooling = dca.ExtractCls ? PoolingType.Cls : PoolingType.Mean },
                DenseRetriever.DefaultSimilarity, startProgress, resolve,
                documents => DcaInputs.HasContexts(args.EvalFile!)
                    ? DcaInputs.ToRetrievalExamples(DcaFileReader.Read(args.EvalFile!, dca.NContext, log), documents, args.EvalFile!)
                    : RetrievalDataReader.Read(args.EvalFile!));
        var output = args.OutputDir;
        TrainingOutputDir.Prepare(args);
        arguments.WriteAllArgs(output);
        log.AttachFile(Path.Combine(output, "train.log"));
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");

        DocumentCollection? documents = null;
        if (args.Evaluates || dca.PrepareCtxs != NegativeMiningSource.None)
        {
            documents = DocumentCollection.Load(args.FullDatasetFilePath!, log);
            log.WriteLine($"Loaded {documents.Count} documents");
        }
        // Which files are DCA files (with ctxs); LocalRQA files get theirs now, before the reader is loaded.
        var trainDca = DcaInputs.HasContexts(args.TrainFile!) ? args.TrainFile! : PrepareContexts(args.TrainFile!, "--train_file", args, dca, log, startProgress, resolve);
        var evalDca = args.Evaluates && DcaInputs.HasContexts(args.EvalFile!) ? args.EvalFile : null;

        IReadOnlyList<DcaQuestion> train;
        IReadOnlyList<DcaQuestion>? evalQuestions = null;
        FidPassageScorer? scorer = null;
        try
        {
            FidPassageScorer Scorer() => scorer ??= LoadReader(dca, log, resolve);
            train = Scored(trainDca, dca, Scorer, log, startProgress);
            if (evalDca is not null) evalQuestions = Scored(evalDca, dca, Scorer, log, startProgress, scoresRequired: false);
        }
        finally { scorer?.Dispose(); }
        train = GoldScoreBoost.Apply(WithContexts(train, trainDca, log));
        log.WriteLine($"Loaded {train.Count} training questions with up to {dca.NContext} scored ctxs from {trainDca} (gold ctx boosted to max + std)");

        IReadOnlyList<RetrievalExample>? eval = null;
        if (args.Evaluates)
        {
            eval = evalQuestions is not null ? DcaInputs.ToRetrievalExamples(evalQuestions, documents!, args.EvalFile!) : RetrievalDataReader.Read(args.EvalFile!);
            log.WriteLine($"Loaded {eval.Count} eval questions from {args.EvalFile}");
        }

        var folder = resolve(args.ModelNameOrPath);
        using var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { Pooling = dca.ExtractCls ? PoolingType.Cls : PoolingType.Mean });
        if (args.AttentionDropout is { } attentionDropout) encoder.Model.SetAttentionDropout(attentionDropout);
        // What the saved model says about itself: DCA's embeddings are not normalised and are compared by dot product.
        encoder.Settings = encoder.Settings with { Normalize = false, SimilarityFunction = "dot" };
        if (dca.Projection)
        {
            if (encoder.Projection is { } existing)
                log.WriteLine($"the model already has a projection to {existing.OutputDimension} dimensions; training it (--indexing_dimension is ignored)");
            else
            {
                // Seeded before the trainer seeds, so the projection's initialisation is reproducible too.
                TrainingSeed.Apply(args.Seed);
                encoder.AddProjection(dca.IndexingDimension);
            }
        }
        log.WriteLine($"Model {args.ModelNameOrPath} ({folder}): {(dca.ExtractCls ? "first token" : "mean")} embeddings, " +
                      $"projection {(encoder.Projection is { } p ? $"{p.InputDimension} → {p.OutputDimension}" : "none")}, text_maxlength {dca.TextMaxlength}");

        // --text_maxlength is the reader's limit too; the retriever cannot take more tokens than it has positions.
        var retrieverLength = Math.Min(dca.TextMaxlength, encoder.Model.Config.MaxPositionEmbeddings);
        if (retrieverLength < dca.TextMaxlength)
            log.WriteLine($"warning: --text_maxlength {dca.TextMaxlength} exceeds the retriever's max_position_embeddings " +
                          $"({encoder.Model.Config.MaxPositionEmbeddings}); the retriever reads {retrieverLength} tokens per text, the reader {dca.TextMaxlength}");
        var objective = new DcaObjective(encoder, train, args.PerDeviceTrainBatchSize, args.Seed, dca with { TextMaxlength = retrieverLength }, log);
        Func<SentenceEncoder, int, RetrieverEvaluation>? evaluate = null;
        if (documents != null && eval != null)
        {
            var options = new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed, BootstrapResamples = 200 };
            evaluate = (model, step) =>
            {
                using var retriever = DenseRetriever.Build(model, documents, Similarity.InnerProduct, args.PerDeviceEvalBatchSize, log: log,
                    startProgress: total => startProgress?.Invoke($"eval step {step}: embedding documents", total) ?? new Progress<int>());
                return new RetrieverEvaluator(eval, documents, options).Evaluate(retriever, "eval", log);
            };
        }
        if (args.LoggingDir is { } loggingDir) Directory.CreateDirectory(loggingDir);
        var trainer = new Trainer(TrainerSettings.FromArguments(args, objective.BatchesPerEpoch, evaluateAtStart: evaluate != null), objective, evaluate, log);
        onTrainerCreated?.Invoke(trainer);
        var state = trainer.Train();
        WriteReports(args, dca, state, train.Count, eval?.Count, documents?.Count, encoder, log, Bm25Reference.Evaluate(args, eval, documents, log));
        return state;
    }

    static FidPassageScorer LoadReader(DcaArguments dca, RunLog log, Func<string, string> resolve)
    {
        var folder = resolve(dca.ReaderModelPath);
        var scorer = FidPassageScorer.Load(folder, dca.TextMaxlength);
        log.WriteLine($"Reader {dca.ReaderModelPath} ({folder}) loaded: scoring the first decoder step's cross-attention");
        return scorer;
    }

    /// <summary>`--prepare_ctxs`: a LocalRQA file's questions with n_context retrieved ctxs, gold first, in output_dir.</summary>
    static string PrepareContexts(string input, string flag, TrainingArguments args, DcaArguments dca, RunLog log,
        Func<string, int, IProgress<int>>? startProgress, Func<string, string> resolve)
    {
        if (dca.PrepareCtxs == NegativeMiningSource.None)
            throw new RqaException($"{flag} {input} has no ctxs (a LocalRQA file?): pass --prepare_ctxs bm25 or dense, or give a DCA file (rqa prepare-ctxs builds one)");
        var prepared = Path.Combine(args.OutputDir, Path.GetFileNameWithoutExtension(input) + "_ctxs.json");
        PrepareCtxsJob.Run(new PrepareCtxsRequest
        {
            DocumentPath = args.FullDatasetFilePath!,
            Inputs = [input],
            Output = prepared,
            Retriever = dca.PrepareCtxs == NegativeMiningSource.Dense ? "dense" : "bm25",
            ModelNameOrPath = dca.PrepareCtxs == NegativeMiningSource.Dense ? dca.PrepareCtxsModel ?? args.ModelNameOrPath : null,
            NContext = dca.NContext,
            BatchSize = args.PerDeviceEvalBatchSize,
        }, log, startProgress, resolve);
        return prepared;
    }

    /// <summary>
    /// The questions of a DCA file with a reader score on every ctx: `--with_score False` scores them (resuming an
    /// interrupted run, reusing a finished <c>_wscore</c> file); `True` takes them from the file itself when it is
    /// scored (LocalRQA passes the _wscore file as --train_file), else from <c>&lt;name&gt;_wscore.json</c> beside it.
    /// </summary>
    /// <param name="scoresRequired">false for the eval file: evaluation needs only its gold passages, so with
    /// `--with_score True` an unscored eval file is evaluated as it is</param>
    static IReadOnlyList<DcaQuestion> Scored(string path, DcaArguments dca, Func<FidPassageScorer> scorer, RunLog log,
        Func<string, int, IProgress<int>>? startProgress, bool scoresRequired = true)
    {
        var questions = DcaFileReader.Read(path, dca.NContext, log);
        if (!dca.WithScore)
        {
            // The reader loads only when something is left to score (a finished _wscore file is reused as it is).
            var lazy = new LazyScorer(scorer);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var scored = PassageScoring.Run(path, questions, lazy, dca.ReaderBatchSize, log,
                total => startProgress?.Invoke($"reader scoring {Path.GetFileName(path)} (passages)", total) ?? new Progress<int>(),
                $"reader {dca.ReaderModelPath}, text_maxlength {dca.TextMaxlength}, first decoder step");
            if (lazy.Passages > 0)
                log.WriteLine($"scored {lazy.Passages} passages in {clock.Elapsed.TotalSeconds:F1} s " +
                              $"({lazy.Passages / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F1} passages/s, first decoder step only)");
            return scored;
        }
        if (questions.All(q => q.IsScored)) return questions;
        using var saved = DcaScoreStore.Open(path, questions, log);
        if (!saved.IsComplete && !scoresRequired)
        {
            log.WriteLine($"{path}: no reader scores (and no finished {saved.ScoredFile}); evaluation uses its gold passages only");
            return questions;
        }
        if (!saved.IsComplete)
            throw new RqaException($"--with_score True: {path} has ctxs without crossattention_score and {saved.ScoredFile} is missing or unfinished; " +
                                   "pass --with_score False to score them with the reader");
        log.WriteLine($"reading reader scores from {saved.ScoredFile}");
        return saved.Finish();
    }

    static IReadOnlyList<DcaQuestion> WithContexts(IReadOnlyList<DcaQuestion> questions, string path, RunLog log)
    {
        var kept = questions.Where(q => q.Contexts.Count > 0).ToList();
        if (kept.Count < questions.Count) log.WriteLine($"warning: {path}: skipping {questions.Count - kept.Count} questions without ctxs");
        return kept.Count > 0 ? kept : throw new RqaException($"{path}: no question has ctxs");
    }

    static void WriteReports(TrainingArguments args, DcaArguments dca, TrainerState state, int trainCount, int? evalCount, int? documentCount,
        SentenceEncoder encoder, RunLog log, IReadOnlyDictionary<string, double>? bm25) =>
        TrainingReport.Write(args, state, "DCA (distillation of a FiD reader's cross-attention, Izacard & Grave 2021)", new Dictionary<string, object?>
        {
            ["reader_model_path"] = dca.ReaderModelPath, ["reader_temperature"] = dca.ReaderTemperature, ["n_context"] = dca.NContext,
            ["text_maxlength"] = dca.TextMaxlength, ["projection"] = dca.Projection,
            ["indexing_dimension"] = encoder.Projection?.OutputDimension, ["extract_cls"] = dca.ExtractCls,
            ["apply_question_mask"] = dca.ApplyQuestionMask, ["apply_passage_mask"] = dca.ApplyPassageMask,
        }, trainCount, evalCount, documentCount, encoder, log, bm25: bm25);

    sealed class LazyScorer(Func<FidPassageScorer> load) : IPassageScorer
    {
        public int Passages { get; private set; }

        public float[][] Score(IReadOnlyList<DcaQuestion> questions)
        {
            var scores = load().Score(questions);
            Passages += scores.Sum(s => s.Length);
            return scores;
        }
    }
}
