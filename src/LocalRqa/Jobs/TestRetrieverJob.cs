using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Evaluation.Metrics;
using LocalRqa.Files;
using LocalRqa.Indexing;
using LocalRqa.Json;
using LocalRqa.Logging;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;

namespace LocalRqa.Jobs;

/// <summary>
/// `rqa test-retriever` (LocalRQA's scripts/test/test_retriever.py): evaluates a dense, BM25 or hybrid retriever on a
/// question file against a document database and writes LocalRQA's files to the output folder:
/// `all_args.json`, `score.json`, `test-predictions.jsonl` and `test.log` (plus `comparison.json` with
/// `--compare_with`).
/// </summary>
internal static class TestRetrieverJob
{
    public const string Prefix = MetricPrefix.Test;

    /// <param name="hybrid">the fusion flags of --retriever_type hybrid; null: none given</param>
    public static RetrieverEvaluation Run(TestRetrieverArguments arguments, RunLog log, Func<string, int, IProgress<int>>? startProgress = null,
        Func<string, string>? resolveModel = null, HybridArguments? hybrid = null)
    {
        // Validated here too: library callers build the records in code, without the parser.
        hybrid ??= new HybridArguments();
        var fuses = arguments.RetrieverType == RetrieverKind.Hybrid;
        var allArgs = (fuses ? ArgumentSet.Create(arguments, hybrid) : ArgumentSet.Create(arguments)).ToJson();
        var predictionsPath = Path.Combine(arguments.OutputDir, "test-predictions.jsonl");
        // Read the baseline first: it may be this output folder's previous predictions, about to be replaced.
        IReadOnlyList<RetrievalPrediction>? baseline = null;
        if (arguments.CompareWith is not null)
        {
            if (Path.GetFullPath(arguments.CompareWith) == Path.GetFullPath(predictionsPath))
                log.WriteLine($"note: --compare_with is this output folder's previous predictions; comparing against that earlier run");
            baseline = PredictionsFile.Read(arguments.CompareWith);
        }
        var options = new EvaluatorOptions
        {
            TopK = arguments.TopK, SaveDepth = arguments.SaveDepth, BatchSize = arguments.TestBszv, Ndcg = arguments.RetrNdcg,
            BootstrapResamples = arguments.BootstrapSamples, Seed = arguments.Seed,
        };

        // Pre-flight: the output paths, the inputs and the model, before anything is written or embedded.
        RunPreflight.OutputFolder("--output_dir", arguments.OutputDir);
        var dense = arguments.UsesModel;
        if (dense && arguments.IndexPath is { } indexPath) RunPreflight.OutputFolder("--index_path", indexPath);
        var documents = DocumentCollection.Load(arguments.DocumentPath, log);
        log.WriteLine($"Loaded {documents.Count} documents from {arguments.DocumentPath}");
        var examples = RetrievalDataReader.Read(arguments.EvalDataPath, log);
        log.WriteLine($"Loaded {examples.Count} questions from {arguments.EvalDataPath}");
        var preflight = new RunPreflight(resolveModel ?? ModelLocator.Resolve, log);
        SentenceEncoder? encoder = dense
            ? preflight.Retriever(arguments.EmbeddingModelNameOrPath, new EncoderOverrides { MaxLength = arguments.MaxLength, UsePrompts = arguments.UsePrompts })
            : null;
        HybridSettings? fusion = null;
        if (fuses)
        {
            // The model folder's recorded settings apply where no flag is given; all_args.json records the effective ones.
            try { fusion = hybrid.ForModel(preflight.ResolveModel(arguments.EmbeddingModelNameOrPath), arguments.TopK, log); }
            catch
            {
                encoder?.Dispose();
                throw;
            }
            allArgs = ArgumentSet.Create(arguments, hybrid.Effective(fusion)).ToJson();
        }
        IRetriever? retriever = null;
        DenseRetriever? denseSide = null;
        try
        {
            PrepareOutputDir(arguments.OutputDir);
            ResultFiles.RemoveOrphaned(arguments.OutputDir); // left by a run that was killed while writing its results
            // Results of an earlier run in this folder must not sit beside this run's arguments and log.
            foreach (var stale in new[] { "score.json", "test-predictions.jsonl", "comparison.json" })
                File.Delete(Path.Combine(arguments.OutputDir, stale));
            // LocalRQA's all_args.json: {"model_args": {...}, "test_args": {...}}, keys sorted.
            JsonFile.Write(Path.Combine(arguments.OutputDir, "all_args.json"), allArgs);
            log.AttachFile(Path.Combine(arguments.OutputDir, "test.log"));

            if (encoder is null)
                retriever = new Bm25Retriever(documents.Documents);
            else
            {
                var folder = preflight.ResolveModel(arguments.EmbeddingModelNameOrPath);
                var chosen = arguments.Similarity ?? DenseRetriever.DefaultSimilarity(encoder);
                log.WriteLine($"Initializing retriever with {arguments.EmbeddingModelNameOrPath} ({folder}; pooling {encoder.Settings.Pooling.Name()}, " +
                              $"normalize {encoder.Settings.Normalize.ToString().ToLowerInvariant()}, similarity {chosen.Name()}, max length {encoder.Settings.MaxLength})");
                denseSide = DenseRetriever.Build(encoder, documents, chosen, arguments.TestBszv, arguments.IndexPath, arguments.RebuildIndex, log,
                    total => startProgress?.Invoke("embedding documents", total) ?? new Progress<int>());
                retriever = fusion is null ? denseSide : new HybridRetriever(denseSide, new Bm25Retriever(documents.Documents), fusion);
                denseSide = null; // owned by retriever from here
            }
            log.WriteLine($"Evaluating {retriever.Description} on {examples.Count} questions (top {arguments.TopK})");
            var evaluator = new RetrieverEvaluator(examples, documents, options);
            var evaluation = evaluator.Evaluate(retriever, Prefix, log, startProgress?.Invoke("retrieving", examples.Count));
            if (retriever is HybridRetriever fused) log.WriteLine(LatencyLine(fused, examples.Count));

            // The result files appear together, once all are written: a full disk leaves none of them.
            using var results = new ResultFiles();
            var scores = evaluation.ScoresJson();
            JsonFile.Write(results.Stage(Path.Combine(arguments.OutputDir, "score.json")), scores);
            PredictionsFile.Write(results.Stage(predictionsPath), evaluation.Predictions);
            // LocalRQA logs the score map as sorted, indented JSON; scripts grep test.log for it.
            log.WriteLine($"Performance: {scores.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })}");
            log.WriteLine(EvaluationSummary.Table(evaluation, Prefix, retriever.Description));

            if (baseline is not null)
            {
                var comparison = RunComparison.Compare(arguments.CompareWith!, baseline, evaluation, options, log, Prefix);
                JsonFile.Write(results.Stage(Path.Combine(arguments.OutputDir, "comparison.json")), EvaluationSummary.ComparisonJson(comparison));
                log.WriteLine(EvaluationSummary.ComparisonText(comparison));
            }
            results.Commit();
            log.WriteLine($"Wrote score.json and test-predictions.jsonl{(baseline is null ? "" : " and comparison.json")} to {arguments.OutputDir}");
            return evaluation;
        }
        finally
        {
            denseSide?.Dispose();
            (retriever as IDisposable)?.Dispose();
            encoder?.Dispose();
        }
    }

    /// <summary>"latency per question: dense 3.1 ms, bm25 0.4 ms, fusion 0.02 ms": each side's time and the fusion's.</summary>
    public static string LatencyLine(HybridRetriever retriever, int questions)
    {
        string PerQuestion(TimeSpan total) => (total.TotalMilliseconds / Math.Max(1, questions)).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return $"latency per question: dense {PerQuestion(retriever.DenseTime)} ms, bm25 {PerQuestion(retriever.Bm25Time)} ms, "
            + $"fusion {PerQuestion(retriever.FusionTime)} ms";
    }

    static void PrepareOutputDir(string folder)
    {
        if (File.Exists(folder)) throw new RqaException($"--output_dir {folder} is a file, not a folder");
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"--output_dir {folder}: cannot create it: {e.Message}");
        }
    }
}
