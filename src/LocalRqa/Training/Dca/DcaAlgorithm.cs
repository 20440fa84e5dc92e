using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Indexing;
using LocalRqa.Logging;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;
using LocalRqa.Teachers.Fid;
using LocalRqa.Training.Mining;
using LocalRqa.Training.Optimization;
using LocalRqa.Training.Reports;

namespace LocalRqa.Training.Dca;

/// <summary>
/// `rqa train dca` (LocalRQA's scripts/train/retriever/train_fid_retriever.py): distils a FiD T5 reader's
/// cross-attention into a retriever. The train (and eval) DCA files are scored by the reader into
/// <c>&lt;name&gt;_wscore.json</c> beside them (<c>--with_score False</c>) or read from there (<c>True</c>); the gold
/// (first) ctx's score is then boosted (<see cref="GoldScoreBoost"/>, on both paths, as LocalRQA's modify_score). LocalRQA
/// train/eval files get their ctxs first with <c>--prepare_ctxs</c>.
/// </summary>
internal sealed class DcaAlgorithm(DcaArguments dca) : TrainingAlgorithm
{
    IReadOnlyList<DcaQuestion>? train;
    IReadOnlyList<DcaQuestion>? evalQuestions;
    int retrieverLength;

    public DcaAlgorithm(ArgumentSet arguments) : this(arguments.Get<DcaArguments>()) { }

    public override string Description => "DCA (distillation of a FiD reader's cross-attention, Izacard & Grave 2021)";

    public override EncoderOverrides EncoderOverrides(TrainingRun run) => new() { Pooling = dca.ExtractCls ? PoolingType.Cls : PoolingType.Mean };

    /// <summary>The model's own similarity: a DCA-trained folder says dot.</summary>
    public override Similarity EvaluationSimilarity(SentenceEncoder encoder) => DenseRetriever.DefaultSimilarity(encoder);

    public override bool NeedsDocuments => dca.PrepareCtxs != NegativeMiningSource.None;

    public override void Preflight(RunPreflight preflight, TrainingRun run)
    {
        if (run.EvaluatesOnly) return;
        var args = run.Args;
        if (dca.PrepareCtxs == NegativeMiningSource.Dense)
            preflight.CheckRetriever(dca.PrepareCtxsModel ?? args.ModelNameOrPath, new EncoderOverrides());
        if (dca.WithScore) return;
        // Reader scores go beside a DCA file given as it is (a prepared one lies in --output_dir, checked with it).
        var givenDca = new[] { args.TrainFile, args.Evaluates ? args.EvalFile : null }.OfType<string>().Where(DcaInputs.HasContexts).ToList();
        foreach (var file in givenDca) RunPreflight.OutputFile(file == args.TrainFile ? "--train_file" : "--eval_file", DcaScoreStore.ScoredPath(file));
        // The reader is needed unless the train file's scores are already finished beside it.
        if (!(givenDca.Contains(args.TrainFile!) && File.Exists(DcaScoreStore.ScoredPath(args.TrainFile!)))) preflight.Reader(dca.ReaderModelPath);
    }

    public override void Configure(SentenceEncoder encoder, TrainingRun run)
    {
        // What the saved model says about itself: DCA's embeddings are not normalised and are compared by dot product.
        encoder.Settings = encoder.Settings with { Normalize = false, SimilarityFunction = Similarity.Dot.Name() };
        if (dca.Projection)
        {
            if (encoder.Projection is { } existing)
                run.Log.WriteLine($"the model already has a projection to {existing.OutputDimension} dimensions; training it (--indexing_dimension is ignored)");
            else
            {
                // Seeded before the trainer seeds, so the projection's initialisation is reproducible too.
                TrainingSeed.Apply(run.Args.Seed);
                encoder.AddProjection(dca.IndexingDimension);
            }
        }
        run.Log.WriteLine($"Model {run.Args.ModelNameOrPath}: {(dca.ExtractCls ? "first token" : "mean")} embeddings, " +
                          $"projection {(encoder.Projection is { } p ? $"{p.InputDimension} → {p.OutputDimension}" : "none")}, text_maxlength {dca.TextMaxlength}");
        // --text_maxlength is the reader's limit too; the retriever cannot take more tokens than it has positions.
        retrieverLength = Math.Min(dca.TextMaxlength, encoder.Model.Config.MaxPositionEmbeddings);
        if (retrieverLength < dca.TextMaxlength)
            run.Log.WriteLine($"warning: --text_maxlength {dca.TextMaxlength} exceeds the retriever's max_position_embeddings " +
                              $"({encoder.Model.Config.MaxPositionEmbeddings}); the retriever reads {retrieverLength} tokens per text, the reader {dca.TextMaxlength}");
    }

    public override int LoadTrainingData(TrainingRun run)
    {
        var args = run.Args;
        // Which files are DCA files (with ctxs); LocalRQA files get theirs now, before the reader is loaded.
        var trainDca = DcaInputs.HasContexts(args.TrainFile!) ? args.TrainFile! : PrepareContexts(args.TrainFile!, "--train_file", run);
        var evalDca = args.Evaluates && DcaInputs.HasContexts(args.EvalFile!) ? args.EvalFile : null;
        FidPassageScorer? scorer = null;
        string? readerFolder = null, scorerIdentity = null;
        try
        {
            string ReaderFolder() => readerFolder ??= run.ResolveModel(dca.ReaderModelPath);
            FidPassageScorer Scorer() => scorer ??= LoadReader(dca, ReaderFolder(), run.Log);
            string ScorerIdentity()
            {
                if (scorerIdentity is null)
                {
                    scorerIdentity = FidScorerIdentity.Of(ReaderFolder(), dca.TextMaxlength); // one read of the reader's files
                    run.Log.WriteLine($"reader scores of {dca.ReaderModelPath} are saved and reused as those of {scorerIdentity}");
                }
                return scorerIdentity;
            }
            train = Scored(trainDca, dca, ScorerIdentity, Scorer, run.Log, run.StartProgress);
            if (evalDca is not null) evalQuestions = Scored(evalDca, dca, ScorerIdentity, Scorer, run.Log, run.StartProgress, scoresRequired: false);
        }
        finally { scorer?.Dispose(); }
        train = GoldScoreBoost.Apply(WithContexts(train, trainDca, run.Log));
        run.Log.WriteLine($"Loaded {train.Count} training questions with up to {dca.NContext} scored ctxs from {trainDca} (gold ctx boosted to max + std)");
        return train.Count;
    }

    public override IReadOnlyList<RetrievalExample> ReadEvalQuestions(TrainingRun run, DocumentCollection documents)
    {
        var path = run.Args.EvalFile!;
        if (evalQuestions is not null) return DcaInputs.ToRetrievalExamples(evalQuestions, documents, path);
        // Evaluation only: a DCA eval file is evaluated by its gold (first) ctxs, without reader scores.
        return !run.EvaluatesOnly || !DcaInputs.HasContexts(path)
            ? RetrievalDataReader.Read(path, run.Log)
            : DcaInputs.ToRetrievalExamples(DcaFileReader.Read(path, dca.NContext, run.Log), documents, path);
    }

    public override ITrainingObjective CreateObjective(SentenceEncoder encoder, TrainingRun run) =>
        new DcaObjective(encoder, train!, DcaObjectiveSettings.From(dca, run.Args, retrieverLength), run.Log);

    public override IReadOnlyDictionary<string, object?> ReportFields(SentenceEncoder encoder) => new Dictionary<string, object?>
    {
        ["reader_model_path"] = dca.ReaderModelPath, ["reader_temperature"] = dca.ReaderTemperature, ["n_context"] = dca.NContext,
        ["text_maxlength"] = dca.TextMaxlength, ["projection"] = dca.Projection,
        ["indexing_dimension"] = encoder.Projection?.OutputDimension, ["extract_cls"] = dca.ExtractCls,
        ["apply_question_mask"] = dca.ApplyQuestionMask, ["apply_passage_mask"] = dca.ApplyPassageMask,
    };

    static FidPassageScorer LoadReader(DcaArguments dca, string folder, RunLog log)
    {
        var scorer = FidPassageScorer.Load(folder, dca.TextMaxlength);
        log.WriteLine($"Reader {dca.ReaderModelPath} ({folder}) loaded: scoring the first decoder step's cross-attention");
        return scorer;
    }

    /// <summary>`--prepare_ctxs`: a LocalRQA file's questions with n_context retrieved ctxs, gold first, in output_dir.</summary>
    string PrepareContexts(string input, string flag, TrainingRun run)
    {
        var args = run.Args;
        if (dca.PrepareCtxs == NegativeMiningSource.None)
            throw new RqaException($"{flag} {input} has no ctxs (a LocalRQA file?): pass --prepare_ctxs bm25 or dense, or give a DCA file (rqa prepare-ctxs builds one)");
        var prepared = Path.Combine(args.OutputDir, Path.GetFileNameWithoutExtension(input) + "_ctxs.json");
        var examples = ContextPreparation.WithQuestions(input, RetrievalDataReader.Read(input, run.Log), run.Log);
        var documents = run.Documents();
        var dense = dca.PrepareCtxs == NegativeMiningSource.Dense;
        var (retriever, encoder) = ContextPreparation.OpenRetriever(dense, dense ? dca.PrepareCtxsModel ?? args.ModelNameOrPath : null, documents,
            args.PerDeviceEvalBatchSize, run.Log, run.StartProgress, run.ResolveModel);
        try
        {
            ContextPreparation.Write(input, examples, prepared, retriever, documents, dca.NContext, run.Log, run.StartProgress);
        }
        finally
        {
            (retriever as IDisposable)?.Dispose();
            encoder?.Dispose();
        }
        return prepared;
    }

    /// <summary>
    /// The questions of a DCA file with a reader score on every ctx: `--with_score False` scores them (resuming an
    /// interrupted run, reusing a finished <c>_wscore</c> file, both only when made by this reader with these
    /// settings: <see cref="FidScorerIdentity"/>); `True` takes them from the file itself when it is
    /// scored (LocalRQA passes the _wscore file as --train_file), else from <c>&lt;name&gt;_wscore.json</c> beside it.
    /// </summary>
    /// <param name="scoresRequired">false for the eval file: evaluation needs only its gold passages, so with
    /// `--with_score True` an unscored eval file is evaluated as it is</param>
    static IReadOnlyList<DcaQuestion> Scored(string path, DcaArguments dca, Func<string> scorerIdentity, Func<FidPassageScorer> scorer, RunLog log,
        Func<string, int, IProgress<int>> startProgress, bool scoresRequired = true)
    {
        var questions = DcaFileReader.Read(path, dca.NContext, log);
        if (!dca.WithScore)
        {
            // The reader loads only when something is left to score (a finished _wscore file is reused as it is).
            var lazy = new LazyScorer(scorer);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var scored = PassageScoring.Run(path, questions, lazy, dca.ReaderBatchSize, log,
                total => startProgress($"reader scoring {Path.GetFileName(path)} (passages)", total),
                scorerIdentity());
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
