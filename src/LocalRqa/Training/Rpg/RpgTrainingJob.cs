using System.Diagnostics;
using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.LanguageModels;
using LocalRqa.Logging;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Retrieval;
using LocalRqa.Training.Arguments;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Reports;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

namespace LocalRqa.Training.Rpg;

/// <summary>
/// `rqa train rpg` (LocalRQA's scripts/train/retriever/train_replug_retriever.py): distils a frozen causal LM's
/// likelihood of the gold answer into the retriever (<see cref="RpgObjective"/>), evaluates it during training, and
/// leaves in `--output_dir` what `rqa train ctl` leaves: the best model, checkpoints, trainer_state.json, train.log,
/// all_args.json, charts, a model card and the gain table.
/// </summary>
public static class RpgTrainingJob
{
    public static TrainerState Run(ArgumentSet arguments, RunLog log, Action<Trainer>? onTrainerCreated = null,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null)
    {
        var args = arguments.Get<TrainingArguments>();
        var rpg = arguments.Get<RpgArguments>();
        resolveModel ??= ModelLocator.Resolve;
        if (!args.DoTrain)
            return EvaluationOnlyJob.Run(arguments, log, new EncoderOverrides { Pooling = args.PoolingType }, _ => Similarity.Cosine, startProgress, resolveModel);

        // Everything that can be wrong with the input is found before the output folder is touched.
        var train = WithAnswers(RetrievalDataReader.Read(args.TrainFile!), args.TrainFile!, args.Seed);
        var documents = DocumentCollection.Load(args.FullDatasetFilePath!);
        if (rpg.NumDocs > documents.Count)
            throw new RqaException($"--num_docs {rpg.NumDocs} is larger than the database ({documents.Count} documents in {args.FullDatasetFilePath})");
        var eval = args.Evaluates ? RetrievalDataReader.Read(args.EvalFile!) : null;
        var template = rpg.Template();
        var lmFolder = resolveModel(rpg.LmModelPath);
        CausalLmFamily.LoadSettings(lmFolder); // not a causal LM: the supported architectures, before any output

        var output = args.OutputDir;
        TrainingOutputDir.Prepare(args);
        arguments.WriteAllArgs(output);
        log.AttachFile(Path.Combine(output, "train.log"));
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");
        log.WriteLine($"Loaded {train.Count} training questions from {args.TrainFile}");
        log.WriteLine($"Loaded {documents.Count} documents from {args.FullDatasetFilePath}");
        if (eval != null) log.WriteLine($"Loaded {eval.Count} eval questions from {args.EvalFile}");

        var folder = resolveModel(args.ModelNameOrPath);
        using var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { Pooling = args.PoolingType });
        if (args.AttentionDropout is { } attentionDropout) encoder.Model.SetAttentionDropout(attentionDropout);
        // RPG scores passages by cosine: the saved model says so, so evaluation and Python compare the same way.
        encoder.Settings = encoder.Settings with { SimilarityFunction = "cosine" };
        log.WriteLine($"Model {args.ModelNameOrPath} ({folder}): pooling {encoder.Settings.Pooling.Name()}, max length {encoder.Settings.MaxLength}, similarity cosine");

        var cachePath = rpg.LmScoreCache ?? rpg.DefaultScoreCachePath();
        using var cache = LmScoreCache.Open(cachePath, log);
        log.WriteLine($"LM score cache {cachePath}: {cache.Count} scores");
        var clock = Stopwatch.StartNew();
        using var scorer = LmPassageScorer.Open(lmFolder, rpg.LmDtype, rpg.TextMaxlength, template, cache, rpg.LmBatchSize);
        log.WriteLine($"LM {rpg.LmModelPath} ({lmFolder}, {rpg.LmDtype.ToString().ToLowerInvariant()}) loaded in {clock.Elapsed.TotalSeconds:F1} s; " +
                      $"fingerprint {scorer.LmFingerprint[..16]}; prompt: {template.Source}; text_maxlength {rpg.TextMaxlength}");

        using var objective = new RpgObjective(encoder, train, documents, scorer, new RpgObjectiveSettings
        {
            NumDocs = rpg.NumDocs,
            RetrieveTemperature = rpg.RetrieveTemperature,
            LmTemperature = rpg.LmTemperature,
            RefreshEveryBatches = rpg.RefreshStep * args.GradientAccumulationSteps,
            TrainPassageEncoder = rpg.TrainPassageEncoder,
            BatchSize = args.PerDeviceTrainBatchSize,
            Seed = args.Seed,
            EncodeBatchSize = args.PerDeviceEvalBatchSize,
        }, log);
        if (args.PerDeviceTrainBatchSize > train.Count)
            log.WriteLine($"warning: --per_device_train_batch_size {args.PerDeviceTrainBatchSize} is larger than the {train.Count} training questions; batches hold {train.Count}");

        // Query-side training ranks the base model's passage embeddings, so that is what evaluation must rank too:
        // re-embedding the database with the trained model would measure a retriever nobody trained.
        using var basePassages = rpg.TrainPassageEncoder ? null
            : DenseRetriever.Build(encoder, documents, Similarity.Cosine, args.PerDeviceEvalBatchSize, log: log,
                startProgress: total => startProgress?.Invoke("embedding documents with the base model", total) ?? new Progress<int>());
        Func<SentenceEncoder, int, RetrieverEvaluation>? evaluate = null;
        if (eval != null)
        {
            var options = new EvaluatorOptions { BatchSize = args.PerDeviceEvalBatchSize, Seed = args.Seed, BootstrapResamples = 200 };
            evaluate = (model, step) =>
            {
                if (basePassages is not null)
                    return new RetrieverEvaluator(eval, documents, options).Evaluate(
                        new DenseRetriever(model, basePassages.Index, args.PerDeviceEvalBatchSize, "dense (trained questions, base-model passages)"), "eval", log);
                using var retriever = DenseRetriever.Build(model, documents, Similarity.Cosine, args.PerDeviceEvalBatchSize, log: log,
                    startProgress: total => startProgress?.Invoke($"eval step {step}: embedding documents", total) ?? new Progress<int>());
                return new RetrieverEvaluator(eval, documents, options).Evaluate(retriever, "eval", log);
            };
        }
        var trainer = new Trainer(TrainerSettings.FromArguments(args, objective.BatchesPerEpoch, evaluate != null), objective, evaluate, log);
        onTrainerCreated?.Invoke(trainer);
        var state = trainer.Train();

        log.WriteLine($"LM scoring: {scorer.LmForwardPasses} LM forward passes ({scorer.ScoredSequences} sequences, {scorer.ScoredTokens} tokens), " +
                      $"{scorer.CacheHits} cached scores, {objective.LmSeconds:F1} s in all; the cache {cachePath} holds {cache.Count}");
        if (objective.QuestionsSeen > 0)
            log.WriteLine($"Index: {objective.Refreshes} full embeddings of the database in {objective.RefreshSeconds:F1} s; the gold passage was already " +
                          $"retrieved for {objective.GoldRetrieved}/{objective.QuestionsSeen} training questions ({(double)objective.GoldRetrieved / objective.QuestionsSeen:F2})");
        WriteReports(args, rpg, state, train.Count, eval?.Count, documents.Count, encoder, log, Bm25Reference.Evaluate(args, eval, documents, log));
        if (args.TestFile is { } testFile) CtlTrainingJob.EvaluateOnTest(testFile, args, encoder, Similarity.Cosine, documents, log, basePassages?.Index);
        if (basePassages is not null)
            log.WriteLine($"note: --train_passage_encoder false trained the question side only: embed passages with {args.ModelNameOrPath} (the base model) " +
                          $"and questions with {args.OutputDir}; the saved model alone embeds passages differently from what was trained and evaluated");
        return state;
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

    static void WriteReports(TrainingArguments args, RpgArguments rpg, TrainerState state, int trainCount, int? evalCount, int documentCount,
        SentenceEncoder encoder, RunLog log, IReadOnlyDictionary<string, double>? bm25) =>
        TrainingReport.Write(args, state, $"RPG (REPLUG LSR: the retriever distils {rpg.LmModelPath}'s likelihood of the gold answer)",
            new Dictionary<string, object?>
            {
                ["lm_model_path"] = rpg.LmModelPath, ["text_maxlength"] = rpg.TextMaxlength, ["lm_temperature"] = rpg.LmTemperature,
                ["retrieve_temperature"] = rpg.RetrieveTemperature, ["num_docs"] = rpg.NumDocs, ["refresh_step"] = rpg.RefreshStep,
                ["train_passage_encoder"] = rpg.TrainPassageEncoder,
            }, trainCount, evalCount, documentCount, encoder, log,
            rpg.TrainPassageEncoder ? null
                : $"only the question side was trained (--train_passage_encoder false): embed questions with this model and passages "
                  + $"with the base model, {args.ModelNameOrPath}; the metrics below were measured that way.", bm25);
}
