using System.Diagnostics;
using LocalRqa.Data;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Runtime;
using LocalRqa.Teachers.LanguageModel;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// RPG LM scoring cost on CPU: tokens/s of the REPLUG LM score (LocalRQA's prompt, passage, question, gold
/// answer; the passages of a question in one batch) for the tiny llama fixture and a randomly initialised
/// Qwen2-0.5B-sized LM, then the same questions again through the on-disk score cache, as a second epoch or
/// a rerun sees them. Questions, passages and answers come from the Faire eval file (gold passage, hard
/// negatives, then other questions' gold passages). Both LMs read the fixture's byte-level tokenizer: its
/// 267 ids are valid Qwen2 ids and it yields about one token per character, so sequences reach
/// --text_maxlength (the random model's scores mean nothing; its cost per token is what is measured).
/// </summary>
internal static class LmScoreBenchmark
{
    public static int Run(string[] args)
    {
        var options = new BenchArgs(args);
        var questions = options.GetInt("questions", 2);
        var passages = options.GetInt("passages", 4);
        var textMaxLength = options.GetInt("text_maxlength", 256);
        var tinyRepeats = options.GetInt("tiny_repeats", 3);
        var qwenVocab = options.GetInt("qwen_vocab", 151936);
        var qwenLayers = options.GetInt("qwen_layers", 24);
        var seed = options.GetInt("seed", 42);

        TorchRuntime.Initialize();
        Console.WriteLine(MachineDescription.Line());
        manual_seed(seed);
        var examples = RetrievalDataReader.Read(SharedData.Faire("eval_w_qa.jsonl")).Where(e => !string.IsNullOrWhiteSpace(e.GoldAnswer)).ToList();
        var work = Enumerable.Range(0, questions).Select(i =>
        {
            var example = examples[i % examples.Count];
            var docs = example.GoldDocs.Concat(example.HardNegDocs)
                .Concat(examples.Skip(i + 1).SelectMany(e => e.GoldDocs)).Take(passages).ToArray();
            return (example.Question, Passages: docs, Answer: example.GoldAnswer!);
        }).ToArray();

        var tinyFolder = SharedData.Fixture("llama-tiny");
        var tokenizer = TokenizerLoader.FromFolder(tinyFolder);
        Console.WriteLine($"threads: {get_num_threads()} intra-op, {Environment.ProcessorCount} processors; {questions} questions x {passages} passages, " +
                          $"text_maxlength {textMaxLength}, LocalRQA's RPG prompt, float32");
        Console.WriteLine($"{"model",-40} {"params",8} {"tokens",7} {"LM s",8} {"tokens/s",9} {"cached ms",9} {"speed-up",9}");

        using (var tiny = CausalLanguageModel.FromPretrained(tinyFolder))
            Measure("llama-tiny (fixture)", tiny, tokenizer, LmFingerprint.OfFolder(tinyFolder, ScalarType.Float32), work, textMaxLength, tinyRepeats);

        var config = new CausalLmConfig
        {
            ModelType = "qwen2", VocabSize = qwenVocab, HiddenSize = 896, IntermediateSize = 4864, NumHiddenLayers = qwenLayers,
            NumAttentionHeads = 14, NumKeyValueHeads = 2, MaxPositionEmbeddings = 32768, RopeTheta = 1_000_000, TieWordEmbeddings = true,
        };
        var clock = Stopwatch.StartNew();
        using var qwen = new CausalLanguageModel(CausalLmFamily.Find(config, "bench").Resolve(config, "bench qwen2-0.5b"));
        foreach (var parameter in qwen.parameters()) parameter.requires_grad = false;
        qwen.eval();
        Console.Error.WriteLine($"(built the random Qwen2 model in {clock.Elapsed.TotalSeconds:F1} s)");
        Measure($"qwen2-0.5b size, vocab {qwenVocab} (random)", qwen, tokenizer, "random-qwen2", work, textMaxLength, repeats: 1);
        return 0;
    }

    static void Measure(string name, CausalLanguageModel model, ITextTokenizer tokenizer, string fingerprint,
        (string Question, Document[] Passages, string Answer)[] work, int textMaxLength, int repeats)
    {
        var parameters = model.parameters().Sum(p => p.numel());
        // Warm-up on a short sequence, outside the measurement and the cache.
        using (var warm = new LmPassageScorer(model, tokenizer, fingerprint + ":warm-up", 32))
            warm.Score("warm-up?", [Document.Create("warm-up passage", null, null)], "yes");

        var dir = Directory.CreateTempSubdirectory("rqa-bench-lmscore-").FullName;
        try
        {
            var cachePath = Path.Combine(dir, "lm_scores.jsonl");
            long tokens = 0;
            var lmSeconds = 0.0;
            for (var r = 0; r < repeats; r++)
            {
                // A fresh cache file per repeat: every repeat runs the LM.
                File.Delete(cachePath);
                using var cache = LmScoreCache.Open(cachePath);
                using var scorer = new LmPassageScorer(model, tokenizer, fingerprint, textMaxLength, cache: cache);
                lmSeconds += Seconds(() => { foreach (var (q, p, a) in work) scorer.Score(q, p, a); });
                tokens += scorer.ScoredTokens;
            }

            // Second epoch / next run: reopen the file, every score is a hit.
            double cachedSeconds;
            using (var cache = LmScoreCache.Open(cachePath))
            using (var scorer = new LmPassageScorer(model, tokenizer, fingerprint, textMaxLength, cache: cache))
            {
                cachedSeconds = Seconds(() => { foreach (var (q, p, a) in work) scorer.Score(q, p, a); });
                if (scorer.LmForwardPasses != 0) throw new InvalidOperationException("the second pass ran the LM");
            }
            var perPass = lmSeconds / repeats;
            Console.WriteLine($"{name,-40} {parameters / 1e6,7:F1}M {tokens / repeats,7} {perPass,8:F2} {tokens / lmSeconds,9:F1} {cachedSeconds * 1000,9:F2} {perPass / cachedSeconds,8:F0}x");
        }
        finally { Directory.Delete(dir, true); }
    }

    static double Seconds(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }
}
