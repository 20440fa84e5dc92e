using System.Diagnostics;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Export;
using LocalRqa.Inference;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// Throughput of the built-in arctic-embed-xs on the Faire passages: TorchSharp against ONNX Runtime on the
/// same token ids and the same length-sorted batches, measured in one run, printed as docs/s and a ratio; and ONNX
/// Runtime on the model as `rqa export onnx` writes it, against the packaged ONNX file.
/// </summary>
internal static class EncodeBenchmark
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var documentsPath = options.Get("documents", DefaultDocuments());
        var batchSize = options.GetInt("batch_size", 16);
        var maxLength = options.GetInt("max_length", 512);
        var limit = options.GetInt("limit", int.MaxValue);
        var threads = Environment.ProcessorCount;

        var texts = DocumentDatabase.Load(documentsPath).Select(d => d.FmtContent).Take(limit).ToList();
        var model = BuiltInModels.Find(ModelLocator.DefaultModel)!;
        using var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(model.HubId)!, new EncoderOverrides { MaxLength = maxLength });
        var tokens = encoder.Tokenize(texts, PromptKind.Passage);
        var batches = LengthSortedBatches.Plan(tokens.Select(t => t.Ids.Length).ToArray(), batchSize)
            .Select(b => b.Select(i => tokens[i]).ToArray()).ToList();
        Console.WriteLine(MachineDescription.Line());
        Console.WriteLine($"{texts.Count} passages from {documentsPath}; {tokens.Sum(t => t.Ids.Length)} tokens (max {maxLength}); " +
                          $"{batches.Count} length-sorted batches of {batchSize}; {threads} threads");

        double torchSeconds;
        List<float[]> torchEmbeddings;
        using (GlibcMalloc.ForInference()) // as SentenceEncoder's embedding passes run
        {
            torchSeconds = Time(() => EncodeWithTorch(encoder, batches[^1]), () => batches.ForEach(b => EncodeWithTorch(encoder, b)));
            torchEmbeddings = batches.SelectMany(b => EncodeWithTorch(encoder, b)).ToList();
        }
        var torchRss = ProcessMemory.PeakRssMiB();

        // What `rqa encode` and every inference pass run: SentenceEncoder.Encode, its engine chosen as in a real run
        // (RQA_ENGINE, else auto), tokenization and building the ONNX session included.
        var engine = EngineChoice.For(tokens.Sum(t => (long)t.Ids.Length));
        encoder.Encode(texts.Take(batchSize).ToList(), PromptKind.Passage, batchSize); // warm-up, as the others get
        var rqaClock = Stopwatch.StartNew();
        var rqaEmbeddings = encoder.Encode(texts, PromptKind.Passage, batchSize);
        var rqaSeconds = rqaClock.Elapsed.TotalSeconds;

        using var reference = new OnnxReferenceEncoder(model, threads);
        var pad = encoder.Tokenizer.PadTokenId;
        var onnxSeconds = Time(() => reference.Embed(batches[^1], pad), () => batches.ForEach(b => reference.Embed(b, pad)));
        var onnxEmbeddings = batches.SelectMany(b => reference.Embed(b, pad)).ToList();

        // The same model exported by `rqa export onnx` (pooling left out of the graph, so both ONNX files do the same work).
        var exportFolder = Path.Combine(Path.GetTempPath(), $"rqa-bench-export-{Environment.ProcessId}");
        double exportedSeconds;
        List<float[]> exportedEmbeddings;
        try
        {
            OnnxExportJob.Run(new OnnxExportArguments { ModelNameOrPath = model.HubId, OutputDir = exportFolder, PoolingInGraph = false, MaxLength = maxLength },
                ModelLocator.Resolve, TextWriter.Null);
            using var exported = new OnnxReferenceEncoder(model, Path.Combine(exportFolder, OnnxModelFolder.OnnxFile), threads);
            exportedSeconds = Time(() => exported.Embed(batches[^1], pad), () => batches.ForEach(b => exported.Embed(b, pad)));
            exportedEmbeddings = batches.SelectMany(b => exported.Embed(b, pad)).ToList();
        }
        finally
        {
            if (Directory.Exists(exportFolder)) Directory.Delete(exportFolder, recursive: true);
        }

        var minCosine = torchEmbeddings.Zip(onnxEmbeddings, Cosine).Min();
        var torchRate = texts.Count / torchSeconds;
        var rqaRate = texts.Count / rqaSeconds;
        var onnxRate = texts.Count / onnxSeconds;
        var exportedRate = texts.Count / exportedSeconds;
        Console.WriteLine($"TorchSharp:   {torchRate,7:F2} docs/s ({torchSeconds:F1} s), peak RSS {torchRss:F0} MiB");
        Console.WriteLine($"ONNX Runtime: {onnxRate,7:F2} docs/s ({onnxSeconds:F1} s), peak RSS after both {ProcessMemory.PeakRssMiB():F0} MiB");
        Console.WriteLine($"ONNX Runtime, rqa export onnx: {exportedRate,7:F2} docs/s ({exportedSeconds:F1} s)");
        Console.WriteLine($"rqa's embedding pass (engine {engine}, tokenizing and session included): {rqaRate,7:F2} docs/s ({rqaSeconds:F1} s)");
        Console.WriteLine($"ratio rqa / ONNX Runtime: {rqaRate / onnxRate:F3}   <- the issue 18 target (>= 1.0)");
        Console.WriteLine($"ratio TorchSharp / ONNX Runtime: {torchRate / onnxRate:F3}");
        Console.WriteLine($"ratio exported / packaged ONNX (ONNX Runtime): {exportedRate / onnxRate:F3}");
        Console.WriteLine($"min cosine between the two engines' embeddings: {minCosine:F6}");
        Console.WriteLine($"min cosine between TorchSharp and the exported ONNX: {torchEmbeddings.Zip(exportedEmbeddings, Cosine).Min():F6}");
        // The torch rows are in batch order, rqa's in input order.
        var position = tokens.Select((t, i) => (t, i)).ToDictionary(p => (object)p.t, p => p.i, ReferenceEqualityComparer.Instance);
        var inBatchOrder = batches.SelectMany(b => b).Select(t => rqaEmbeddings[position[t]]);
        Console.WriteLine($"min cosine between rqa's pass and TorchSharp: {inBatchOrder.Zip(torchEmbeddings, Cosine).Min():F8}");
        return 0;
    }

    static float[][] EncodeWithTorch(SentenceEncoder encoder, TokenizedText[] batch)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.Create(batch, encoder.Tokenizer.PadTokenId);
        var flat = encoder.Forward(tokens).contiguous().data<float>().ToArray();
        return flat.Chunk(flat.Length / batch.Length).ToArray();
    }

    /// <summary>Seconds for the measured work, after one warm-up call.</summary>
    static double Time(Action warmUp, Action work)
    {
        warmUp();
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }

    static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    static string DefaultDocuments()
    {
        var data = Environment.GetEnvironmentVariable("RQA_SHARED_DATA") is { Length: > 0 } d
            ? d
            : Path.Combine(FindRepoRoot(), "..", "shared", "data");
        return Path.GetFullPath(Path.Combine(data, "faire", "documents.pkl"));
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LocalRqa.slnx"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
