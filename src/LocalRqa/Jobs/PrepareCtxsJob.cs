using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Indexing;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;

namespace LocalRqa.Jobs;

/// <summary>
/// `rqa prepare-ctxs`: builds DCA files from LocalRQA train/eval files (<see cref="ContextPreparation"/>), each input's
/// beside it as &lt;name&gt;_ctxs.json or at --output; every input and output is checked before the slow part.
/// </summary>
internal static class PrepareCtxsJob
{
    /// <summary>The default output beside an input: &lt;name&gt;_ctxs.json.</summary>
    public static string DefaultOutput(string input) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileNameWithoutExtension(input) + "_ctxs.json");

    /// <returns>The files written, one per input.</returns>
    public static IReadOnlyList<string> Run(PrepareCtxsRequest request, TextWriter log, Func<string, int, IProgress<int>>? startProgress = null,
        Func<string, string>? resolveModel = null)
    {
        if (request.Inputs.Count == 0) throw new RqaException("give the questions to prepare: --input, --train_file or --eval_file");
        if (request.NContext < 1) throw new RqaException($"--n_context must be at least 1, got {request.NContext}");
        if (request.BatchSize < 1) throw new RqaException($"--batch_size must be at least 1, got {request.BatchSize}");
        if (request.Output is not null && request.Inputs.Count > 1)
            throw new RqaException($"--output names one file but {request.Inputs.Count} inputs were given; leave it out to write <name>_ctxs.json beside each input");
        var kind = request.Retriever.Trim().ToLowerInvariant() switch
        {
            "bm25" => "bm25",
            "dense" or "faiss" => "dense",
            "hybrid" => "hybrid",
            _ => throw new RqaException($"--retriever: unknown retriever '{request.Retriever}' (expected bm25, dense or hybrid)"),
        };
        var dense = kind != "bm25";
        if (dense && request.ModelNameOrPath is null) throw new RqaException($"--retriever {kind} needs --model_name_or_path{(kind == "hybrid" ? " (its dense side)" : "")}");
        var outputs = request.Inputs.Select(i => request.Output ?? DefaultOutput(i)).ToList();
        foreach (var output in outputs)
        {
            foreach (var input in request.Inputs) OutputTarget.RefuseInput(output, input, "--output");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            AtomicFile.CheckWritable(output);
            ResultFiles.RemoveOrphaned(Path.GetDirectoryName(Path.GetFullPath(output))!); // left by a killed run
        }
        // Read every input and check the model before the slow part, so a bad file or model fails in seconds.
        var inputs = request.Inputs.Select(path => (Path: path, Examples: ContextPreparation.WithQuestions(path, RetrievalDataReader.Read(path, log), log))).ToList();
        var preflight = new RunPreflight(resolveModel ?? ModelLocator.Resolve, log);
        if (dense) preflight.CheckRetriever(request.ModelNameOrPath!, new EncoderOverrides());
        var fusion = kind == "hybrid"
            ? (request.Hybrid ?? new HybridArguments()).ForModel(preflight.ResolveModel(request.ModelNameOrPath!), request.NContext, log)
            : null;

        var documents = DocumentCollection.Load(request.DocumentPath, log);
        log.WriteLine($"loaded {documents.Count} documents from {request.DocumentPath}");
        var (retriever, encoder) = ContextPreparation.OpenRetriever(dense, request.ModelNameOrPath, documents, request.BatchSize, log,
            startProgress, preflight.ResolveModel, fusion);
        try
        {
            // One file per input, all of them or none: a failure on the last input leaves no new file beside the others.
            using var results = new ResultFiles();
            for (var f = 0; f < inputs.Count; f++)
                ContextPreparation.Write(inputs[f].Path, inputs[f].Examples, outputs[f], retriever, documents, request.NContext, log, startProgress, results);
            results.Commit();
        }
        finally
        {
            (retriever as IDisposable)?.Dispose();
            encoder?.Dispose();
        }
        return outputs;
    }
}
