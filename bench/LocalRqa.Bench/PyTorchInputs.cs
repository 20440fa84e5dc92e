using System.Text.Json;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using LocalRqa.Training.GradCache;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// `pytorch-inputs OUTDIR`: the exact inputs of `bench train` and `bench encode` (token ids, false-negative masks,
/// batch plans, model folder and settings) as JSON, plus rqa's embeddings of the encode batches, so that
/// bench/pytorch runs the same work in PyTorch eager without re-implementing the tokenizer or .NET's Random.
/// </summary>
internal static class PyTorchInputs
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("pytorch-inputs: OUTDIR is required");
            return 2;
        }
        var outDir = Path.GetFullPath(args[0]);
        var options = new BenchArgs(args[1..]);
        var trainPath = options.Get("train", SharedData.Faire("train_w_q.jsonl"));
        var documentsPath = options.Get("documents", SharedData.Faire("documents.pkl"));
        var batchSize = options.GetInt("batch_size", 32);
        var hardNegatives = options.GetInt("hard_negatives", 16);
        var maxLength = options.GetInt("max_length", 256);
        var chunkSize = options.GetInt("chunk_size", 16);
        var warmUpSteps = options.GetInt("warmup_steps", 1);
        var steps = options.GetInt("steps", 3);
        var seed = options.GetInt("seed", 42);
        var encodeBatchSize = options.GetInt("encode_batch_size", 16);
        var encodeMaxLength = options.GetInt("encode_max_length", 512);
        var limit = options.GetInt("limit", int.MaxValue);

        TorchRuntime.Initialize();
        Directory.CreateDirectory(outDir);
        var folder = BuiltInModels.TryGetFolder(TrainBenchmark.Model)
                     ?? throw new RqaException($"the built-in {TrainBenchmark.Model} is not available");

        // The CTL batches, built by the code `bench train` measures with (same seed, same Random sequence).
        using (var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { MaxLength = maxLength }))
        {
            var batches = TrainBenchmark.Batches(encoder, RetrievalDataReader.Read(trainPath), batchSize, hardNegatives, warmUpSteps + steps, seed);
            WriteJson(Path.Combine(outDir, "ctl_batches.json"), w =>
            {
                Common(w, folder, encoder, maxLength);
                w.WriteString("train", trainPath);
                w.WriteNumber("seed", seed);
                w.WriteNumber("temperature", TrainBenchmark.Temperature);
                w.WriteString("similarity", "dot"); // ContrastiveLoss.Compute's default, as TrainBenchmark.Step calls it
                w.WriteNumber("batch_size", batchSize);
                w.WriteNumber("hard_negatives", batches[0].Batch.HardNegatives);
                w.WriteNumber("chunk_size", chunkSize);
                w.WriteNumber("plain_chunk_size", PlainStep.DefaultChunkSize);
                w.WriteNumber("warmup_steps", warmUpSteps);
                w.WriteNumber("steps", steps);
                w.WriteStartArray("batches");
                foreach (var batch in batches)
                {
                    w.WriteStartObject();
                    w.WriteNumber("temperature", TrainBenchmark.Temperature);
                    Ids(w, "queries", batch.Queries);
                    Ids(w, "candidates", batch.Candidates);
                    // What ContrastiveLoss receives: null (nothing masked) becomes all false, the same loss.
                    using var mask = batch.Batch.MaskTensor();
                    var flat = mask?.data<bool>().ToArray();
                    w.WriteStartArray("mask");
                    for (var i = 0; i < batch.Queries.Length; i++)
                    {
                        w.WriteStartArray();
                        for (var j = 0; j < batch.Candidates.Length; j++) w.WriteNumberValue(flat?[i * batch.Candidates.Length + j] == true ? 1 : 0);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            Console.WriteLine($"{Path.Combine(outDir, "ctl_batches.json")}: {batches.Count} CTL batches of {batchSize} queries + " +
                              $"{batches[0].Candidates.Length} candidates, max_length {maxLength}");
        }

        // The encode batches exactly as EncodeBenchmark plans them, with rqa's embeddings for the parity check.
        using (var encoder = SentenceEncoder.Load(folder, new EncoderOverrides { MaxLength = encodeMaxLength }))
        {
            var texts = DocumentDatabase.Load(documentsPath).Select(d => d.FmtContent).Take(limit).ToList();
            var tokens = encoder.Tokenize(texts, PromptKind.Passage);
            var batches = LengthSortedBatches.Plan(tokens.Select(t => t.Ids.Length).ToArray(), encodeBatchSize)
                .Select(b => b.Select(i => tokens[i]).ToArray()).ToList();
            List<float[][]> embeddings;
            using (GlibcMalloc.ForInference()) embeddings = batches.Select(b => EncodeBenchmark.EncodeWithTorch(encoder, b)).ToList();
            WriteJson(Path.Combine(outDir, "encode_batches.json"), w =>
            {
                Common(w, folder, encoder, encodeMaxLength);
                w.WriteString("documents", documentsPath);
                w.WriteNumber("batch_size", encodeBatchSize);
                w.WriteNumber("texts", texts.Count);
                w.WriteStartArray("batches");
                for (var b = 0; b < batches.Count; b++)
                {
                    w.WriteStartObject();
                    Ids(w, "ids", batches[b]);
                    w.WriteStartArray("embeddings");
                    foreach (var row in embeddings[b])
                    {
                        w.WriteStartArray();
                        foreach (var x in row) w.WriteNumberValue(x);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            Console.WriteLine($"{Path.Combine(outDir, "encode_batches.json")}: {texts.Count} passages in {batches.Count} length-sorted batches " +
                              $"of {encodeBatchSize}, max_length {encodeMaxLength}, with rqa's embeddings");
        }
        return 0;
    }

    /// <summary>What both scripts need to build the same model: its folder and how embeddings are pooled.</summary>
    static void Common(Utf8JsonWriter w, string folder, SentenceEncoder encoder, int maxLength)
    {
        w.WriteString("model", TrainBenchmark.Model);
        w.WriteString("model_folder", folder);
        w.WriteString("pooling", encoder.Settings.Pooling.ToString().ToLowerInvariant());
        w.WriteBoolean("normalize", encoder.Settings.Normalize);
        w.WriteNumber("max_length", maxLength);
        w.WriteNumber("pad_token_id", encoder.Tokenizer.PadTokenId);
        w.WriteString("machine", MachineDescription.Line());
    }

    static void Ids(Utf8JsonWriter w, string name, IEnumerable<TokenizedText> texts)
    {
        w.WriteStartArray(name);
        foreach (var text in texts)
        {
            w.WriteStartArray();
            foreach (var id in text.Ids) w.WriteNumberValue(id);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }


    static void WriteJson(string path, Action<Utf8JsonWriter> body)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }
}
