using System.Diagnostics;
using System.Text.Json;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Runtime;
using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// Where an embedding pass spends its time: the operations of one arctic-embed-xs layer timed one by one in TorchSharp
/// at one batch shape, beside ONNX Runtime's own per-operator profile of the packaged model on the same shape.
/// </summary>
internal static class EncodeOpsBenchmark
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var batch = options.GetInt("batch_size", 16);
        var length = options.GetInt("length", 256);
        var repeats = options.GetInt("repeats", 20);
        Console.WriteLine(MachineDescription.Line());
        Console.WriteLine($"shape [{batch}, {length}], {repeats} repeats, {get_num_threads()} torch threads");

        var model = BuiltInModels.Find(ModelLocator.DefaultModel)!;
        using var encoder = SentenceEncoder.Load(BuiltInModels.TryGetFolder(model.HubId)!, new EncoderOverrides { MaxLength = 512 });
        var config = encoder.Model.Config;
        var hidden = config.HiddenSize;
        var heads = config.NumAttentionHeads;
        var inner = config.IntermediateSize;

        using var _ = inference_mode();
        using var allocator = GlibcMalloc.ForInference(); // as SentenceEncoder's embedding passes run
        var x = randn(batch, length, hidden);
        var mask = zeros(batch, 1, 1, length);
        var wq = randn(hidden, hidden) * 0.05f; var bq = randn(hidden);
        var wqkv = randn(3 * hidden, hidden) * 0.05f; var bqkv = randn(3 * hidden);
        var wUp = randn(inner, hidden) * 0.05f; var bUp = randn(inner);
        var wDown = randn(hidden, inner) * 0.05f; var bDown = randn(hidden);
        var up = nn.functional.linear(x, wUp, bUp);
        var q = randn(batch, heads, length, hidden / heads);
        var ln = nn.LayerNorm(hidden);

        var rows = new List<(string Name, double Ms, double Flops)>();
        void Op(string name, double flops, Func<Tensor> work) => rows.Add((name, Milliseconds(work, repeats), flops));
        double tokens = batch * length;
        Op("linear H->H (x4 a layer)", 2 * tokens * hidden * hidden, () => nn.functional.linear(x, wq, bq));
        Op("linear H->3H (fused QKV)", 2 * tokens * hidden * 3 * hidden, () => nn.functional.linear(x, wqkv, bqkv));
        Op("linear H->I", 2 * tokens * hidden * inner, () => nn.functional.linear(x, wUp, bUp));
        Op("linear I->H", 2 * tokens * hidden * inner, () => nn.functional.linear(up, wDown, bDown));
        Op("gelu [B,T,I]", 0, () => nn.functional.gelu(up));
        Op("sdpa with bias", 4.0 * batch * heads * length * length * (hidden / heads), () => nn.functional.scaled_dot_product_attention(q, q, q, mask));
        Op("sdpa no mask", 4.0 * batch * heads * length * length * (hidden / heads), () => nn.functional.scaled_dot_product_attention(q, q, q));
        Op("add+layernorm (x2 a layer)", 0, () => ln.forward(x + x));
        Op("transpose+reshape (x4 a layer)", 0, () => q.transpose(1, 2).reshape(batch, length, hidden));

        var texts = RandomTexts(batch, length);
        using var tokenBatch = TokenBatch.Create(texts, encoder.Tokenizer.PadTokenId);
        var forward = Milliseconds(() => encoder.Forward(tokenBatch), repeats);
        foreach (var (name, ms, flops) in rows)
            Console.WriteLine($"{name,-32} {ms,8:F2} ms" + (flops > 0 ? $"  {flops / ms / 1e6,6:F1} GFLOP/s" : ""));
        var layers = config.NumHiddenLayers;
        var sum = layers * (4 * rows[0].Ms + rows[2].Ms + rows[3].Ms + rows[4].Ms + rows[5].Ms + 2 * rows[7].Ms + 4 * rows[8].Ms);
        Console.WriteLine($"sum of the ops x {layers} layers      {sum,8:F2} ms");
        Console.WriteLine($"TorchSharp whole forward         {forward,8:F2} ms");

        var onnx = OnnxProfile(model, batch, length, repeats, out var onnxMs);
        Console.WriteLine($"ONNX Runtime whole run           {onnxMs,8:F2} ms   (ratio TorchSharp/ORT time {forward / onnxMs:F3})");
        foreach (var (op, ms) in onnx.OrderByDescending(p => p.Value))
            Console.WriteLine($"  ORT {op,-28} {ms,8:F2} ms a run");
        return 0;
    }

    static List<TokenizedText> RandomTexts(int batch, int length)
    {
        var random = new Random(42);
        return Enumerable.Range(0, batch).Select(_ => new TokenizedText(Enumerable.Range(0, length).Select(_ => random.Next(1000, 20000)).ToArray(), new int[length])).ToList();
    }

    static double Milliseconds(Func<Tensor> work, int repeats)
    {
        for (var i = 0; i < 3; i++) work().Dispose();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) work().Dispose();
        return clock.Elapsed.TotalMilliseconds / repeats;
    }

    /// <summary>ONNX Runtime's per-operator time a run (its profiler), and the whole run's wall time.</summary>
    static Dictionary<string, double> OnnxProfile(BuiltInModel model, int batch, int length, int repeats, out double wallMs)
    {
        var texts = RandomTexts(batch, length);
        using (var plain = new OnnxReferenceEncoder(model, Environment.ProcessorCount))
        {
            for (var i = 0; i < 3; i++) plain.LastHiddenState(texts, 0, out _);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++) plain.LastHiddenState(texts, 0, out _);
            wallMs = clock.Elapsed.TotalMilliseconds / repeats;
        }
        var prefix = Path.Combine(Path.GetTempPath(), $"rqa-ort-profile-{Environment.ProcessId}");
        string file;
        using (var profiled = new OnnxReferenceEncoder(model, Environment.ProcessorCount, profilePrefix: prefix))
        {
            for (var i = 0; i < repeats; i++) profiled.LastHiddenState(texts, 0, out _);
            file = profiled.EndProfiling();
        }
        var totals = new Dictionary<string, double>();
        using (var json = JsonDocument.Parse(File.ReadAllText(file)))
            foreach (var e in json.RootElement.EnumerateArray())
                if (e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                {
                    var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                    totals[op] = totals.GetValueOrDefault(op) + e.GetProperty("dur").GetDouble() / 1000.0 / repeats;
                }
        File.Delete(file);
        return totals;
    }
}
