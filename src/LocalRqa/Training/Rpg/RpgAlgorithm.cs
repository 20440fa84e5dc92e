using System.Diagnostics;
using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;
using LocalRqa.Teachers.LanguageModel;

namespace LocalRqa.Training.Rpg;

/// <summary>
/// `rqa train rpg` (LocalRQA's scripts/train/retriever/train_replug_retriever.py): distils a frozen causal LM's
/// likelihood of the gold answer into the retriever (<see cref="RpgObjective"/>), refreshing its passage index as it trains.
/// </summary>
internal sealed class RpgAlgorithm(RpgArguments rpg) : TrainingAlgorithm
{
    IReadOnlyList<RetrievalExample>? train;
    RpgPromptTemplate? template;
    string? lmFolder;
    string? cachePath;
    LmScoreCache? cache;
    LmPassageScorer? scorer;
    RpgObjective? objective;
    // Query-side training (--train_passage_encoder false) ranks the base model's passage embeddings.
    DenseRetriever? basePassages;

    public RpgAlgorithm(ArgumentSet arguments) : this(arguments.Get<RpgArguments>()) { }

    public override string Description => $"RPG (REPLUG LSR: the retriever distils {rpg.LmModelPath}'s likelihood of the gold answer)";

    public override EncoderOverrides EncoderOverrides(TrainingRun run) => new() { Pooling = run.Args.PoolingType };

    public override Similarity EvaluationSimilarity(SentenceEncoder encoder) => Similarity.Cosine;

    public override bool NeedsDocuments => true;

    public override void CheckInputs(TrainingRun run)
    {
        var args = run.Args;
        train = WithAnswers(RetrievalDataReader.Read(args.TrainFile!, run.Log), args.TrainFile!, args.Seed);
        var documents = run.Documents();
        if (rpg.NumDocs > documents.Count)
            throw new RqaException($"--num_docs {rpg.NumDocs} is larger than the database ({documents.Count} documents in {args.FullDatasetFilePath})");
        if (args.Evaluates) RetrievalDataReader.Read(args.EvalFile!);
        template = rpg.Template();
    }

    public override void Preflight(RunPreflight preflight, TrainingRun run)
    {
        if (run.EvaluatesOnly) return;
        lmFolder = preflight.LanguageModel(rpg.LmModelPath); // not a causal LM: the supported architectures, before any output
        RunPreflight.OutputFile("--lm_score_cache", rpg.LmScoreCache ?? rpg.DefaultScoreCachePath());
    }

    public override void Configure(SentenceEncoder encoder, TrainingRun run)
    {
        // RPG scores passages by cosine: the saved model says so, so evaluation and Python compare the same way.
        encoder.Settings = encoder.Settings with { SimilarityFunction = Similarity.Cosine.Name() };
        run.Log.WriteLine($"Model {run.Args.ModelNameOrPath}: pooling {encoder.Settings.Pooling.Name()}, max length {encoder.Settings.MaxLength}, similarity {Similarity.Cosine.Name()}");
    }

    public override int LoadTrainingData(TrainingRun run)
    {
        run.Log.WriteLine($"Loaded {train!.Count} training questions from {run.Args.TrainFile}");
        return train.Count;
    }

    public override ITrainingObjective CreateObjective(SentenceEncoder encoder, TrainingRun run)
    {
        var args = run.Args;
        cachePath = rpg.LmScoreCache ?? rpg.DefaultScoreCachePath();
        cache = LmScoreCache.Open(cachePath, run.Log);
        run.Log.WriteLine($"LM score cache {cachePath}: {cache.Count} scores");
        var clock = Stopwatch.StartNew();
        scorer = LmPassageScorer.Open(lmFolder!, rpg.LmDtype, rpg.TextMaxlength, template!, cache, rpg.LmBatchSize);
        run.Log.WriteLine($"LM {rpg.LmModelPath} ({lmFolder}, {rpg.LmDtype.ToString().ToLowerInvariant()}) loaded in {clock.Elapsed.TotalSeconds:F1} s; " +
                          $"fingerprint {scorer.LmFingerprint[..16]}; prompt: {template!.Source}; text_maxlength {rpg.TextMaxlength}");
        var documents = run.Documents();
        objective = new RpgObjective(encoder, train!, documents, scorer, RpgObjectiveSettings.From(rpg, args), run.Log);
        if (args.PerDeviceTrainBatchSize > train!.Count)
            run.Log.WriteLine($"warning: --per_device_train_batch_size {args.PerDeviceTrainBatchSize} is larger than the {train.Count} training questions; batches hold {train.Count}");
        // Query-side training ranks the base model's passage embeddings, so that is what evaluation must rank too:
        // re-embedding the database with the trained model would measure a retriever nobody trained.
        if (!rpg.TrainPassageEncoder)
            basePassages = DenseRetriever.Build(encoder, documents, Similarity.Cosine, args.PerDeviceEvalBatchSize, log: run.Log,
                startProgress: total => run.StartProgress("embedding documents with the base model", total));
        return objective;
    }

    public override (IVectorIndex Index, string Description)? EvaluationIndex(int step) =>
        basePassages is { } index ? (index.Index, "dense (trained questions, base-model passages)") : null;

    public override void AfterTraining(TrainingRun run)
    {
        run.Log.WriteLine($"LM scoring: {scorer!.LmForwardPasses} LM forward passes ({scorer.ScoredSequences} sequences, {scorer.ScoredTokens} tokens), " +
                          $"{scorer.CacheHits} cached scores, {objective!.LmSeconds:F1} s in all; the cache {cachePath} holds {cache!.Count}");
        if (objective.QuestionsSeen > 0)
            run.Log.WriteLine($"Index: {objective.Refreshes} full embeddings of the database in {objective.RefreshSeconds:F1} s; the gold passage was already " +
                              $"retrieved for {objective.GoldRetrieved}/{objective.QuestionsSeen} training questions ({(double)objective.GoldRetrieved / objective.QuestionsSeen:F2})");
        if (basePassages is not null)
            run.Log.WriteLine($"note: --train_passage_encoder false trained the question side only: embed passages with {run.Args.ModelNameOrPath} (the base model) " +
                              $"and questions with {run.Args.OutputDir}; the saved model alone embeds passages differently from what was trained and evaluated");
    }

    /// <summary>
    /// The questions with the answer the LM scores in GoldAnswer (gold_answer, else a seeded pick from answers) and a
    /// gold passage; a line without either is an error naming file:line.
    /// </summary>
    static IReadOnlyList<RetrievalExample> WithAnswers(IReadOnlyList<RetrievalExample> examples, string file, int seed)
    {
        if (examples.Count == 0) throw new RqaException($"{file}: no training questions");
        return examples.Select(e => e.GoldDocs.Count == 0
            ? throw new RqaException($"{file}:{e.Line}: no gold_docs; RPG puts the question's gold passage first among the retrieved ones")
            : e with { GoldAnswer = TargetAnswer.Pick(e, seed, file) }).ToList();
    }

    public override IReadOnlyDictionary<string, object?> ReportFields(SentenceEncoder encoder) => new Dictionary<string, object?>
    {
        ["lm_model_path"] = rpg.LmModelPath, ["text_maxlength"] = rpg.TextMaxlength, ["lm_temperature"] = rpg.LmTemperature,
        ["retrieve_temperature"] = rpg.RetrieveTemperature, ["num_docs"] = rpg.NumDocs, ["refresh_step"] = rpg.RefreshStep,
        ["train_passage_encoder"] = rpg.TrainPassageEncoder,
    };

    public override string? UsageNote(TrainingRun run) => rpg.TrainPassageEncoder ? null
        : "only the question side was trained (--train_passage_encoder false): embed questions with this model and passages "
          + $"with the base model, {run.Args.ModelNameOrPath}; the metrics below were measured that way.";

    public override void Dispose()
    {
        basePassages?.Dispose();
        objective?.Dispose();
        scorer?.Dispose();
        cache?.Dispose();
        base.Dispose();
    }
}
