using System.Diagnostics;
using LocalRqa.Modeling.T5;
using LocalRqa.Runtime;
using LocalRqa.Teachers.Fid;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// FiD reader cost on CPU: passages/s of cross-attention scoring (encode every passage, one decoder step) against
/// full greedy generation of --new_tokens tokens, for the tiny fixture T5 and a randomly initialised
/// t5-base-size one (gated-gelu), on random token ids. The ratio says how much a distillation pipeline saves by
/// scoring with the first decoder step only.
/// </summary>
internal static class ReaderBenchmark
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var questions = options.GetInt("questions", 2);
        var passages = options.GetInt("passages", 10);
        var length = options.GetInt("length", 200);
        var newTokens = options.GetInt("new_tokens", 50);
        var tinyRepeats = options.GetInt("tiny_repeats", 5);
        var seed = options.GetInt("seed", 42);

        TorchRuntime.Initialize();
        Console.WriteLine(MachineDescription.Line());
        manual_seed(seed);
        Console.WriteLine($"threads: {get_num_threads()} intra-op, {Environment.ProcessorCount} processors; " +
                          $"generation: {newTokens} greedy tokens, no early stop, self-attention key/value cache, cross-attention keys/values computed once");
        Console.WriteLine($"{"model",-28} {"batch",-14} {"first step p/s",15} {"generate p/s",13} {"first/gen",9}");

        var tinyFolder = SharedData.Fixture("t5-v1_1-tiny");
        using (var tiny = T5ForConditionalGeneration.FromPretrained(tinyFolder))
            Measure("t5-v1_1-tiny (fixture)", tiny, questions, passages, Math.Min(length, 32), newTokens, tinyRepeats);

        var baseConfig = new T5Config
        {
            ModelType = "t5", VocabSize = 32128, DModel = 768, DKv = 64, DFf = 3072, NumLayers = 12, NumHeads = 12,
            FeedForwardProj = "gated-gelu", TieWordEmbeddings = false,
        };
        using var baseModel = new T5ForConditionalGeneration(baseConfig);
        baseModel.eval();
        Measure("t5-base size (random init)", baseModel, questions, passages, length, newTokens, repeats: 1);
        return 0;
    }

    static void Measure(string name, T5ForConditionalGeneration model, int questions, int passages, int length, int newTokens, int repeats)
    {
        using var scope = NewDisposeScope();
        var reader = new FidReader(model);
        var ids = randint(2, model.Config.VocabSize, [questions, passages, length], dtype: ScalarType.Int64); // [B, P, L]
        var mask = ones_like(ids);
        using (NewDisposeScope())
        {
            // Warm-up on a small slice: first-call kernel and allocator setup stays out of the measurement.
            var small = ids[..1, ..Math.Min(passages, 2), ..Math.Min(length, 16)];
            reader.Scores(small, ones_like(small));
            reader.Generate(small, ones_like(small), 2, stopAtEos: false);
        }
        var scoring = Seconds(repeats, () => reader.Scores(ids, mask).Dispose());
        var generation = Seconds(repeats, () => reader.Generate(ids, mask, newTokens, stopAtEos: false).Dispose());
        var count = (double)questions * passages * repeats;
        Console.WriteLine($"{name,-28} {$"{questions}x{passages}x{length}",-14} {count / scoring,15:F2} {count / generation,13:F2} {generation / scoring,9:F2}");
    }

    static double Seconds(int repeats, Action work)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) work();
        return clock.Elapsed.TotalSeconds;
    }
}
