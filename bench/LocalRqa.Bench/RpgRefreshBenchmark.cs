using System.Diagnostics;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Runtime;
using LocalRqa.Teachers.LanguageModel;
using LocalRqa.Training;
using LocalRqa.Training.Optimization;
using LocalRqa.Training.Rpg;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// RPG's two CPU costs besides the LM itself. (1) One full index refresh: the Faire database's fmt_content embedded
/// by the built-in arctic-embed-xs (length-sorted batches, no graph, as RpgObjective refreshes) into a cosine index.
/// (2) The LM score cache across epochs: RpgObjective with llama-tiny as the LM trains bert-tiny (AdamW steps) for two
/// epochs over Faire training questions; epoch 2 asks the LM about the passages it now retrieves, and the cache
/// answers those it already scored. The speed-up is epoch 2 without the cache over epoch 2 with it.
/// </summary>
internal static class RpgRefreshBenchmark
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var batchSize = options.GetInt("batch_size", 32);
        var questions = options.GetInt("questions", 32);
        var numDocs = options.GetInt("num_docs", 8);
        var textMaxLength = options.GetInt("text_maxlength", 128);
        var skipRefresh = options.Get("skip_refresh", "false") == "true";
        TorchRuntime.Initialize();
        Console.WriteLine(MachineDescription.Line());
        var documents = DocumentCollection.Load(SharedData.Faire("documents.pkl"));
        Console.WriteLine($"threads: {get_num_threads()} intra-op, {Environment.ProcessorCount} processors; Faire database: {documents.Count} documents");

        if (!skipRefresh)
        {
            var arctic = BuiltInModels.TryGetFolder("Snowflake/snowflake-arctic-embed-xs")
                         ?? throw new InvalidOperationException("the built-in arctic-embed-xs is not available");
            using var encoder = SentenceEncoder.Load(arctic);
            var texts = documents.Documents.Select(d => d.FmtContent).ToList();
            var clock = Stopwatch.StartNew();
            var rows = encoder.Encode(texts, PromptKind.Passage, batchSize);
            using var index = ExactVectorIndex.FromRows(rows, Similarity.Cosine);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"index refresh, arctic-embed-xs (max length {encoder.Settings.MaxLength}, batch {batchSize}): {seconds:F1} s " +
                              $"({documents.Count / seconds:F1} docs/s); with refresh_step 10 that is {seconds / 10:F1} s per training step");
        }

        // Two epochs of RPG steps, with the cache shared across epochs, then epoch 2 again with an empty cache.
        var train = RetrievalDataReader.Read(SharedData.Faire("train_w_qa.jsonl")).Take(questions).ToList();
        var settings = RpgObjectiveSettings.From(new RpgArguments { NumDocs = numDocs, RefreshStep = 4 },
            new TrainingArguments { PerDeviceTrainBatchSize = 4, PerDeviceEvalBatchSize = batchSize });
        var batches = (train.Count + settings.BatchSize - 1) / settings.BatchSize;
        using var cache = LmScoreCache.InMemory();
        using var scorer = LmPassageScorer.Open(SharedData.Fixture("llama-tiny"), ScalarType.Float32, textMaxLength, cache: cache);
        var (first, second, hitsSecond, weights) = TwoEpochs(scorer, train, documents, settings, batches);
        using var fresh = LmPassageScorer.Open(SharedData.Fixture("llama-tiny"), ScalarType.Float32, textMaxLength, cache: LmScoreCache.InMemory());
        var uncached = EpochTwoUncached(fresh, train, documents, settings, batches, weights);
        Console.WriteLine($"RPG epochs ({train.Count} questions, batch 4, num_docs {numDocs}, text_maxlength {textMaxLength}, llama-tiny LM, bert-tiny retriever):");
        Console.WriteLine($"  epoch 1 (empty cache):       LM {first.Lm:F2} s, step total {first.Total:F2} s");
        Console.WriteLine($"  epoch 2 (cache of epoch 1):  LM {second.Lm:F2} s, step total {second.Total:F2} s; {hitsSecond:P0} of the scores from the cache");
        Console.WriteLine($"  epoch 2 (no cache):          LM {uncached.Lm:F2} s, step total {uncached.Total:F2} s");
        Console.WriteLine($"  cache speed-up on epoch 2:   LM x{uncached.Lm / Math.Max(second.Lm, 1e-9):F1}, steps x{uncached.Total / second.Total:F2}");
        return 0;
    }

    readonly record struct Timing(double Lm, double Total);

    static (Timing First, Timing Second, double HitsSecond, string Weights) TwoEpochs(LmPassageScorer scorer, IReadOnlyList<RetrievalExample> train,
        DocumentCollection documents, RpgObjectiveSettings settings, int batches)
    {
        using var encoder = SentenceEncoder.Load(SharedData.Fixture("bert-tiny"));
        using var objective = new RpgObjective(encoder, train, documents, scorer, settings);
        using var optimizer = AdamWOptimizer.Create(encoder.Model, new AdamWSettings(1e-3, 0.01));
        var first = Epoch(objective, optimizer, batches);
        // The weights epoch 2 starts from, so the uncached rerun of epoch 2 retrieves the same passages.
        var weights = Path.Combine(Path.GetTempPath(), $"rqa-bench-rpg-{Environment.ProcessId}");
        encoder.Save(weights);
        var state = objective.SaveState();
        var hitsBefore = scorer.CacheHits;
        var sequencesBefore = scorer.ScoredSequences;
        var second = Epoch(objective, optimizer, batches);
        var hits = scorer.CacheHits - hitsBefore;
        File.WriteAllText(Path.Combine(weights, "objective_state.json"), state.ToJsonString());
        return (first, second, (double)hits / (hits + scorer.ScoredSequences - sequencesBefore), weights);
    }

    static Timing EpochTwoUncached(LmPassageScorer scorer, IReadOnlyList<RetrievalExample> train, DocumentCollection documents,
        RpgObjectiveSettings settings, int batches, string weights)
    {
        using var encoder = SentenceEncoder.Load(weights);
        using var objective = new RpgObjective(encoder, train, documents, scorer, settings);
        objective.RestoreState(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(weights, "objective_state.json")))!.AsObject());
        using var optimizer = AdamWOptimizer.Create(encoder.Model, new AdamWSettings(1e-3, 0.01));
        try { return Epoch(objective, optimizer, batches); }
        finally { Directory.Delete(weights, true); }
    }

    static Timing Epoch(RpgObjective objective, AdamWOptimizer optimizer, int batches)
    {
        var total = Stopwatch.StartNew();
        var lm = objective.LmSeconds;
        for (var i = 0; i < batches; i++)
        {
            using var scope = NewDisposeScope();
            objective.Encoder.Model.train();
            optimizer.ZeroGrad();
            objective.AccumulateGradients(1.0);
            optimizer.Step();
        }
        return new Timing(objective.LmSeconds - lm, total.Elapsed.TotalSeconds);
    }
}
