using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Json;
using LocalRqa.Logging;
using LocalRqa.Retrieval;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

namespace LocalRqa.Evaluation;

/// <summary>
/// `rqa test-retriever` (LocalRQA's scripts/test/test_retriever.py): evaluates a dense or BM25 retriever on a
/// question file against a document database and writes LocalRQA's files to the output folder:
/// `all_args.json`, `score.json`, `test-predictions.jsonl` and `test.log` (plus `comparison.json` with
/// `--compare_with`).
/// </summary>
public static class TestRetrieverJob
{
    public const string Prefix = "test";

    public static RetrieverEvaluation Run(TestRetrieverRequest request, RunLog log, Func<string, int, IProgress<int>>? startProgress = null,
        Func<string, string>? resolveModel = null)
    {
        var retrieverType = request.RetrieverType.Trim().ToLowerInvariant() switch
        {
            "faiss" or "dense" => "faiss",
            "bm25" => "bm25",
            _ => throw new RqaException($"--retriever_type: unknown retriever '{request.RetrieverType}' (expected faiss or bm25)"),
        };
        if (request.TestBatchSize < 1) throw new RqaException($"--test_bszv must be at least 1, got {request.TestBatchSize}");
        if (request.TopK < 1) throw new RqaException($"--top_k must be at least 1, got {request.TopK}");
        if (request.BootstrapResamples < 1) throw new RqaException($"--bootstrap_samples must be at least 1, got {request.BootstrapResamples}");
        var predictionsPath = Path.Combine(request.OutputDir, "test-predictions.jsonl");
        // Read the baseline first: it may be this output folder's previous predictions, about to be replaced.
        IReadOnlyList<RetrievalPrediction>? baseline = null;
        if (request.CompareWith is not null)
        {
            if (Path.GetFullPath(request.CompareWith) == Path.GetFullPath(predictionsPath))
                log.WriteLine($"note: --compare_with is this output folder's previous predictions; comparing against that earlier run");
            baseline = PredictionsFile.Read(request.CompareWith);
        }
        var similarity = request.Similarity is null ? (Similarity?)null : Similarities.Parse(request.Similarity);
        PrepareOutputDir(request.OutputDir);
        // Results of an earlier run in this folder must not sit beside this run's arguments and log.
        foreach (var stale in new[] { "score.json", "test-predictions.jsonl", "comparison.json" })
            File.Delete(Path.Combine(request.OutputDir, stale));
        JsonFile.Write(Path.Combine(request.OutputDir, "all_args.json"), AllArgs(request));
        log.AttachFile(Path.Combine(request.OutputDir, "test.log"));

        var documents = DocumentCollection.Load(request.DocumentPath, log);
        log.WriteLine($"Loaded {documents.Count} documents from {request.DocumentPath}");
        var examples = RetrievalDataReader.Read(request.EvalDataPath);
        log.WriteLine($"Loaded {examples.Count} questions from {request.EvalDataPath}");
        var options = new EvaluatorOptions
        {
            TopK = request.TopK, BatchSize = request.TestBatchSize, Ndcg = request.Ndcg,
            BootstrapResamples = request.BootstrapResamples, Seed = request.Seed,
        };

        SentenceEncoder? encoder = null;
        IRetriever? retriever = null;
        try
        {
            if (retrieverType == "bm25")
                retriever = new Bm25Retriever(documents.Documents);
            else
            {
                var folder = (resolveModel ?? ModelLocator.Resolve)(request.EmbeddingModel);
                encoder = SentenceEncoder.Load(folder, new EncoderOverrides { MaxLength = request.MaxLength, UsePrompts = request.UsePrompts });
                var chosen = similarity ?? DenseRetriever.DefaultSimilarity(encoder);
                log.WriteLine($"Initializing retriever with {request.EmbeddingModel} ({folder}; pooling {encoder.Settings.Pooling.Name()}, " +
                              $"normalize {encoder.Settings.Normalize.ToString().ToLowerInvariant()}, similarity {chosen.Name()}, max length {encoder.Settings.MaxLength})");
                retriever = DenseRetriever.Build(encoder, documents, chosen, request.TestBatchSize, request.IndexPath, request.RebuildIndex, log,
                    total => startProgress?.Invoke("embedding documents", total) ?? new Progress<int>());
            }
            log.WriteLine($"Evaluating {retriever.Description} on {examples.Count} questions (top {request.TopK})");
            var evaluator = new RetrieverEvaluator(examples, documents, options);
            var evaluation = evaluator.Evaluate(retriever, Prefix, log, startProgress?.Invoke("retrieving", examples.Count));

            var scores = evaluation.ScoresJson();
            JsonFile.Write(Path.Combine(request.OutputDir, "score.json"), scores);
            PredictionsFile.Write(predictionsPath, evaluation.Predictions);
            log.WriteLine($"Wrote score.json and test-predictions.jsonl to {request.OutputDir}");
            // LocalRQA logs the score map as sorted, indented JSON; scripts grep test.log for it.
            log.WriteLine($"Performance: {scores.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })}");
            log.WriteLine(EvaluationSummary.Table(evaluation, Prefix, retriever.Description));

            if (baseline is not null)
            {
                var comparison = RunComparison.Compare(request.CompareWith!, baseline, evaluation, options, log);
                JsonFile.Write(Path.Combine(request.OutputDir, "comparison.json"), EvaluationSummary.ComparisonJson(comparison));
                log.WriteLine(EvaluationSummary.ComparisonText(comparison));
            }
            return evaluation;
        }
        finally
        {
            (retriever as IDisposable)?.Dispose();
            encoder?.Dispose();
        }
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

    /// <summary>LocalRQA's all_args.json: {"model_args": {...}, "test_args": {...}}, keys sorted.</summary>
    static JsonObject AllArgs(TestRetrieverRequest r) => new()
    {
        ["model_args"] = new JsonObject { ["embedding_model_name_or_path"] = r.EmbeddingModel },
        ["test_args"] = new JsonObject
        {
            ["bootstrap_samples"] = r.BootstrapResamples,
            ["compare_with"] = r.CompareWith,
            ["document_path"] = r.DocumentPath,
            ["eval_data_path"] = r.EvalDataPath,
            ["index_path"] = r.IndexPath,
            ["max_length"] = r.MaxLength,
            ["use_prompts"] = r.UsePrompts,
            ["output_dir"] = r.OutputDir,
            ["rebuild_index"] = r.RebuildIndex,
            ["retr_ndcg"] = r.Ndcg,
            ["retriever_type"] = r.RetrieverType,
            ["seed"] = r.Seed,
            ["similarity"] = r.Similarity,
            ["test_bszv"] = r.TestBatchSize,
            ["top_k"] = r.TopK,
        },
    };
}
