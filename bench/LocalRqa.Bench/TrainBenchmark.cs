using System.Diagnostics;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Losses;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.GradCache;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// CPU training cost of the built-in arctic-embed-xs, in one run: (1) this machine's fp32 matmul rate;
/// (2) tokens/s of CTL forward + backward steps on Faire questions (train mode, dropout on), plain and through
/// GradCache, as achieved GFLOP/s against that rate; (3) peak RSS of one large GradCache step at 512 tokens,
/// beside a linear estimate of what the same batch would need without GradCache.
/// </summary>
internal static class TrainBenchmark
{
    // CTL's default temperature, from its flags (declared once there).
    internal static readonly double Temperature = new CtlArguments().Temperature;

    internal const string Model = "Snowflake/snowflake-arctic-embed-xs";

    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var trainPath = options.Get("train", SharedData.Faire("train_w_q.jsonl"));
        var batchSize = options.GetInt("batch_size", 32);
        var hardNegatives = options.GetInt("hard_negatives", 16);
        var maxLength = options.GetInt("max_length", 256);
        var chunkSize = options.GetInt("chunk_size", 16);
        var warmUpSteps = options.GetInt("warmup_steps", 1);
        var steps = options.GetInt("steps", 3);
        var memoryBatch = options.GetInt("memory_batch", 256);
        var memoryLength = options.GetInt("memory_max_length", 512);
        var memoryChunk = options.GetInt("memory_chunk_size", 8);
        var plainMemoryBatch = options.GetInt("plain_memory_batch", 8);
        var seed = options.GetInt("seed", 42);
        double? attentionDropout = options.Get("attention_dropout", "") is { Length: > 0 } a ? double.Parse(a, System.Globalization.CultureInfo.InvariantCulture) : null;

        TorchRuntime.Initialize();
        manual_seed(seed);
        Console.WriteLine(MachineDescription.Line());
        Console.WriteLine($"threads: {get_num_threads()} intra-op (TorchRuntime), {Environment.ProcessorCount} processors");

        // 1. The machine's matmul rate.
        var squareRate = MatmulRate.Measure(1024, 1024, 1024);
        var modelShapeRate = MatmulRate.Measure(4096, 384, 1536);
        Console.WriteLine($"fp32 torch.mm [1024,1024]x[1024,1024]: {squareRate,7:F1} GFLOP/s");
        Console.WriteLine($"fp32 torch.mm [4096,384]x[384,1536]:   {modelShapeRate,7:F1} GFLOP/s (the FFN shape of a 16 x 256 chunk)");

        // 2. Training throughput.
        using var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(Model)!, new EncoderOverrides { MaxLength = maxLength });
        encoder.Model.train();
        if (attentionDropout is { } p) encoder.Model.SetAttentionDropout(p);
        var flops = TransformerFlops.Of(encoder.Model);
        Console.WriteLine($"{Model}: {flops.Parameters / 1e6:F2} M parameters, {flops.NonEmbeddingParameters / 1e6:F2} M outside the embeddings " +
                          $"({flops.Layers} layers, hidden {flops.Hidden}); train mode, attention dropout {attentionDropout?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "as configured (0.1)"}");
        var batches = Batches(encoder, RetrievalDataReader.Read(trainPath), batchSize, hardNegatives, warmUpSteps + steps, seed);
        Console.WriteLine($"CTL batches from {trainPath}: {batchSize} queries + {batches[0].Batch.HardNegatives} hard negatives " +
                          $"(+{batchSize} positives), max_length {maxLength}; {warmUpSteps} warm-up + {steps} measured steps per mode");
        Console.WriteLine("flops estimate: forward + backward = 6 x non-embedding parameters x real tokens (+ attention 12 x layers x hidden x sum L^2)");
        Console.WriteLine($"{"step",-14} {"tokens/s",9} {"s/step",7} {"GFLOP/s 6NT",12} {"+attention",11} {"vs 1024^3",10} {"vs model mm",12} {"padding",8}");
        foreach (var chunk in new[] { 0, chunkSize })
        {
            var seconds = 0.0;
            for (var i = 0; i < batches.Count; i++)
            {
                var elapsed = Step(encoder, batches[i], chunk);
                if (i >= warmUpSteps) seconds += elapsed;
            }
            var measured = batches.Skip(warmUpSteps).ToList();
            var tokens = measured.Sum(b => b.Tokens);
            var dense = flops.Dense(tokens) / seconds / 1e9;
            var withAttention = dense + flops.Attention(measured.Sum(b => b.SquaredLengths)) / seconds / 1e9;
            var padded = measured.Sum(b => b.PaddedTokens(chunk > 0 ? chunk : PlainStep.DefaultChunkSize));
            var name = chunk > 0 ? $"GradCache {chunk}" : $"plain ({PlainStep.DefaultChunkSize}s)";
            Console.WriteLine($"{name,-14} {tokens / seconds,9:F0} {seconds / measured.Count,7:F2} {dense,12:F1} {withAttention,11:F1} " +
                              $"{withAttention / squareRate,10:P0} {withAttention / modelShapeRate,12:P0} {1 - (double)tokens / padded,8:P0}");
        }
        Console.WriteLine("(GradCache runs every forward twice, so its hardware flops are ~8NT for the same 6NT of useful work; " +
                          "padding = share of computed tokens that are padding)");

        // 3. Memory at 512 tokens, each measurement in a fresh process: what a training run would see, not the
        // leftovers of the throughput steps above. GradCache measured, no GradCache estimated from a small plain step.
        var plain = MemoryChild(memoryLength, plainMemoryBatch, 0, seed, attentionDropout ?? 0.1);
        var estimate = plain.GrowthMiB * memoryBatch / plainMemoryBatch;
        var cached = MemoryChild(memoryLength, memoryBatch, memoryChunk, seed, attentionDropout ?? 0.1);
        Console.WriteLine($"memory, every text {memoryLength} tokens (a Faire passage repeated), {memoryBatch} queries + {memoryBatch} passages per step, " +
                          "each measured in a fresh process (model, AdamW-sized gradients and runtime included):");
        Console.WriteLine($"  plain step {plainMemoryBatch} + {plainMemoryBatch}: peak RSS {plain.PeakMiB:F0} MiB, {plain.GrowthMiB:F0} MiB over the {plain.BaseMiB:F0} MiB before the step ({plain.Seconds:F1} s)");
        Console.WriteLine($"  without GradCache, {memoryBatch} + {memoryBatch} (ESTIMATE: that growth x {memoryBatch / (double)plainMemoryBatch:F0}, linear in texts): " +
                          $"~{(plain.BaseMiB + estimate) / 1024:F1} GiB peak RSS, of which ~{estimate / 1024:F1} GiB activations");
        Console.WriteLine($"  GradCache chunk {memoryChunk}, {memoryBatch} + {memoryBatch} (measured): peak RSS {cached.PeakMiB:F0} MiB = {cached.PeakMiB / 1024:F2} GiB " +
                          $"(+{cached.GrowthMiB:F0} MiB over {cached.BaseMiB:F0} MiB; {cached.Seconds:F0} s); target < 8 GB: {(cached.PeakMiB * 1024 * 1024 < 8e9 ? "met" : "NOT met")}");
        return 0;
    }

    /// <summary>`train-memory`: one training step at a given size in this (fresh) process; prints "base peak seconds".</summary>
    public static int RunMemoryStep(string[] args)
    {
        var options = new BenchArgs(args);
        var length = options.GetInt("max_length", 512);
        var batch = options.GetInt("batch", 256);
        var chunk = options.GetInt("chunk_size", 8);
        var attentionDropout = double.Parse(options.Get("attention_dropout", "0.1"), System.Globalization.CultureInfo.InvariantCulture);
        TorchRuntime.Initialize();
        manual_seed(options.GetInt("seed", 42));
        using var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(Model)!, new EncoderOverrides { MaxLength = length });
        encoder.Model.train();
        encoder.Model.SetAttentionDropout(attentionDropout);
        var passage = RetrievalDataReader.Read(SharedData.Faire("train_w_q.jsonl"))[0].GoldDocs[0].FmtContent;
        var text = SyntheticText(encoder, passage, length);
        // Gradients exist from here on in a real run; allocate them before the baseline.
        foreach (var parameter in encoder.Model.parameters()) parameter.grad = zeros_like(parameter);
        var growth = PeakGrowth(() => MemoryStep(encoder, text, batch, chunk), out var baseMiB, out var seconds);
        Console.WriteLine(FormattableString.Invariant($"{baseMiB} {baseMiB + growth} {seconds}"));
        return 0;
    }

    sealed record MemoryResult(double BaseMiB, double PeakMiB, double Seconds)
    {
        public double GrowthMiB => PeakMiB - BaseMiB;
    }

    static MemoryResult MemoryChild(int length, int batch, int chunk, int seed, double attentionDropout)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // `dotnet LocalRqa.Bench.dll` or the apphost: either way the same program.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(TrainBenchmark).Assembly.Location);
        foreach (var arg in new[] { "train-memory", "--max_length", $"{length}", "--batch", $"{batch}", "--chunk_size", $"{chunk}", "--seed", $"{seed}",
                     "--attention_dropout", attentionDropout.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(arg);
        using var child = Process.Start(info)!;
        var lastLine = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        child.WaitForExit();
        if (child.ExitCode != 0) throw new RqaException($"the memory measurement ({batch} texts, chunk {chunk}) failed with exit code {child.ExitCode}");
        var parts = lastLine.Split(' ').Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new MemoryResult(parts[0], parts[1], parts[2]);
    }

    /// <summary>Consecutive CTL batches of shuffled questions, tokenized as CtlObjective tokenizes them.</summary>
    internal static List<TokenizedCtlBatch> Batches(SentenceEncoder encoder, IReadOnlyList<RetrievalExample> examples, int batchSize, int hardNegatives,
        int count, int seed)
    {
        var random = new Random(seed);
        var order = examples.ToArray();
        random.Shuffle(order);
        // int(ratio × B) must come out as exactly hardNegatives: aim half a negative above it.
        var builder = new CtlBatchBuilder((hardNegatives + 0.5) / batchSize);
        return Enumerable.Range(0, count).Select(i =>
        {
            var batch = builder.Build(Enumerable.Range(i * batchSize, batchSize).Select(j => order[j % order.Length]).ToList(), random);
            return new TokenizedCtlBatch(batch, encoder.Tokenize(batch.Queries, PromptKind.Query),
                encoder.Tokenize(batch.CandidateTexts, PromptKind.Passage));
        }).ToList();
    }

    /// <summary>Seconds of one forward + backward (gradients zeroed first; no optimizer step); chunk 0 = plain.</summary>
    static double Step(SentenceEncoder encoder, TokenizedCtlBatch batch, int chunk)
    {
        encoder.Model.zero_grad();
        using var mask = batch.Batch.MaskTensor();
        EmbeddingLoss loss = (q, d) => ContrastiveLoss.Compute(q, d, Temperature, mask: mask);
        var clock = Stopwatch.StartNew();
        var value = chunk > 0
            ? GradCacheStep.Run(encoder, batch.Queries, batch.Candidates, loss, chunk)
            : PlainStep.Run(encoder, batch.Queries, batch.Candidates, loss);
        if (!float.IsFinite(value)) throw new RqaException($"the loss is {value}");
        return clock.Elapsed.TotalSeconds;
    }

    static void MemoryStep(SentenceEncoder encoder, TokenizedText text, int batch, int chunk)
    {
        encoder.Model.zero_grad();
        var texts = Enumerable.Repeat(text, batch).ToArray();
        EmbeddingLoss loss = (q, d) => ContrastiveLoss.Compute(q, d, Temperature);
        if (chunk > 0) GradCacheStep.Run(encoder, texts, texts, loss, chunk);
        else PlainStep.Run(encoder, texts, texts, loss);
    }

    /// <summary>Peak RSS growth (MiB) of <paramref name="work"/> over the RSS it started from.</summary>
    static double PeakGrowth(Action work, out double baseMiB, out double seconds)
    {
        if (!ProcessMemory.ResetPeak()) Console.WriteLine("  (cannot reset the peak RSS here: the numbers below include earlier peaks)");
        baseMiB = ProcessMemory.CurrentRssMiB();
        var clock = Stopwatch.StartNew();
        work();
        seconds = clock.Elapsed.TotalSeconds;
        return ProcessMemory.PeakRssMiB() - baseMiB;
    }

    /// <summary>A passage repeated until it truncates at exactly <paramref name="length"/> tokens.</summary>
    static TokenizedText SyntheticText(SentenceEncoder encoder, string passage, int length)
    {
        var text = passage;
        for (var repeats = 1; ; repeats++)
        {
            var tokens = encoder.Tokenize([text], PromptKind.Passage)[0];
            if (tokens.Ids.Length >= length) return tokens;
            if (repeats > 10_000) throw new RqaException($"cannot make a {length}-token text (max_length {encoder.Settings.MaxLength})");
            text += "\n" + passage;
        }
    }
}
