using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Logging;
using LocalRqa.Retrieval;
using LocalRqa.Training.Arguments;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

namespace LocalRqa.Training;

/// <summary>
/// `--do_train false` of every trainer (HF's eval-only mode): the model, loaded as that trainer would load it, is
/// evaluated once on --eval_file against --full_dataset_file_path into eval_score.json, eval-predictions.jsonl and
/// a trainer_state.json whose log history holds that one evaluation.
/// </summary>
public static class EvaluationOnlyJob
{
    /// <param name="overrides">how the trainer loads the model (pooling, max length, prompts)</param>
    /// <param name="similarity">how the trainer compares embeddings, given the loaded model</param>
    /// <param name="readEval">the eval file's questions (a trainer may accept more than LocalRQA files)</param>
    public static TrainerState Run(ArgumentSet arguments, RunLog log, EncoderOverrides overrides, Func<SentenceEncoder, Similarity> similarity,
        Func<string, int, IProgress<int>>? startProgress = null, Func<string, string>? resolveModel = null,
        Func<DocumentCollection, IReadOnlyList<RetrievalExample>>? readEval = null)
    {
        var args = arguments.Get<TrainingArguments>();
        if (!args.Evaluates || args.EvalFile is null || args.FullDatasetFilePath is null)
            throw new RqaException("--do_train false evaluates only: it needs --eval_file and --full_dataset_file_path");
        TrainingOutputDir.Prepare(args);
        arguments.WriteAllArgs(args.OutputDir);
        log.AttachFile(Path.Combine(args.OutputDir, "train.log"));
        foreach (var warning in arguments.Warnings) log.WriteLine($"warning: {warning}");

        var documents = DocumentCollection.Load(args.FullDatasetFilePath, log);
        var eval = readEval?.Invoke(documents) ?? RetrievalDataReader.Read(args.EvalFile);
        var folder = (resolveModel ?? ModelLocator.Resolve)(args.ModelNameOrPath);
        using var encoder = SentenceEncoder.Load(folder, overrides);
        using var retriever = DenseRetriever.Build(encoder, documents, similarity(encoder), args.PerDeviceEvalBatchSize, log: log,
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
}
