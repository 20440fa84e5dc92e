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
/// Throughput of the built-in arctic-embed-xs on the Faire passages, four engines on the same token ids and the same
/// length-sorted batches, interleaved batch by batch in one run: TorchSharp, ONNX Runtime on the packaged model.onnx
/// (the reference), ONNX Runtime on `rqa export onnx`'s file, and rqa's own inference engine as its embedding passes
/// choose it (building its session counted); docs/s, ratios against the reference, and agreement of the embeddings.
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

        var pad = encoder.Tokenizer.PadTokenId;
        var exportFolder = Path.Combine(Path.GetTempPath(), $"rqa-bench-export-{Environment.ProcessId}");
        try
        {
            // The same model exported by `rqa export onnx` (pooling left out of the graph, as in the packaged file).
            OnnxExportJob.Run(new OnnxExportArguments { ModelNameOrPath = model.HubId, OutputDir = exportFolder, PoolingInGraph = false, MaxLength = maxLength },
                ModelLocator.Resolve, TextWriter.Null);
            using var reference = new OnnxReferenceEncoder(model, threads);
            using var exported = new OnnxReferenceEncoder(model, Path.Combine(exportFolder, OnnxModelFolder.OnnxFile), threads);
            // rqa's own inference engine as SentenceEncoder.Encode builds it for a long pass (RQA_ENGINE, else auto).
            var engine = EngineChoice.For(tokens.Sum(t => (long)t.Ids.Length));
            var buildClock = Stopwatch.StartNew();
            using var session = engine == InferenceEngine.OnnxRuntime ? encoder.CreateOnnxSession() : null;
            var buildSeconds = buildClock.Elapsed.TotalSeconds;

            Func<TokenizedText[], float[][]>[] engines =
            [
                b => EncodeWithTorch(encoder, b),
                b => reference.Embed(b, pad),
                b => exported.Embed(b, pad),
                b => session is null ? EncodeWithTorch(encoder, b) : Rows(session.Embed(b), b.Length),
            ];
            string[] names = ["TorchSharp", "ONNX Runtime, packaged model.onnx", "ONNX Runtime, rqa export onnx", $"rqa's pass ({EngineChoice.Name(engine)})"];
            var seconds = new double[engines.Length];
            var embeddings = engines.Select(_ => new List<float[]>()).ToArray();
            using (GlibcMalloc.ForInference()) // as SentenceEncoder's embedding passes run
            {
                foreach (var run in engines) run(batches[^1]); // warm-up
                // Interleaved batch by batch, each engine first in turn: a machine that slows down or speeds up during
                // the run affects every engine alike, so the ratios hold on a shared machine.
                for (var b = 0; b < batches.Count; b++)
                    for (var j = 0; j < engines.Length; j++)
                    {
                        var e = (b + j) % engines.Length;
                        var clock = Stopwatch.StartNew();
                        var rows = engines[e](batches[b]);
                        seconds[e] += clock.Elapsed.TotalSeconds;
                        embeddings[e].AddRange(rows);
                    }
            }
            seconds[3] += buildSeconds;
            var rates = seconds.Select(t => texts.Count / t).ToArray();
            for (var e = 0; e < engines.Length; e++)
                Console.WriteLine($"{names[e],-36} {rates[e],7:F2} docs/s ({seconds[e]:F1} s{(e == 3 ? $", building the session {buildSeconds:F1} s included" : "")})");
            Console.WriteLine($"peak RSS {ProcessMemory.PeakRssMiB():F0} MiB (all four engines in one process)");
            Console.WriteLine($"ratio rqa / ONNX Runtime: {rates[3] / rates[1]:F3}   <- the issue 18 target (>= 1.0)");
            Console.WriteLine($"ratio TorchSharp / ONNX Runtime: {rates[0] / rates[1]:F3}");
            Console.WriteLine($"ratio exported / packaged ONNX (ONNX Runtime): {rates[2] / rates[1]:F3}");
            for (var e = 1; e < engines.Length; e++)
                Console.WriteLine($"min cosine between TorchSharp and {names[e]}: {embeddings[0].Zip(embeddings[e], Cosine).Min():F8}");
        }
        finally
        {
            if (Directory.Exists(exportFolder)) Directory.Delete(exportFolder, recursive: true);
        }
        return 0;
    }

    static float[][] Rows(float[] flat, int count) => flat.Chunk(flat.Length / count).ToArray();

    /// <summary>One batch through the TorchSharp network as the benches call it: pooled embeddings, one row per text.</summary>
    internal static float[][] EncodeWithTorch(SentenceEncoder encoder, TokenizedText[] batch)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.Create(batch, encoder.Tokenizer.PadTokenId);
        var flat = encoder.Forward(tokens).contiguous().data<float>().ToArray();
        return flat.Chunk(flat.Length / batch.Length).ToArray();
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
