using LocalRqa.Arguments;
using LocalRqa.Indexing;
using LocalRqa.Losses;
using LocalRqa.Retrieval;
using LocalRqa.Training.Mining;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// Flags of `rqa train ctl` (LocalRQA's ContrasitiveTrainingArgs and their rqa additions), saved under
/// "contrastive_args" in all_args.json. Parsed together with <see cref="TrainingArguments"/>.
/// </summary>
public sealed record CtlArguments : IArgumentRecord, IHybridRetrievalUser
{
    /// <summary>`--hard_neg_ratio`: Hard negatives added per batch, as a fraction of the batch size.</summary>
    public double HardNegRatio { get; init; } = 0.05;
    /// <summary>`--temperature`: Divides the similarity scores before the softmax of the contrastive loss.</summary>
    public double Temperature { get; init; } = 0.05;
    /// <summary>`--similarity`: Score of a question against a passage: dot product of the embeddings as pooled (LocalRQA), or cosine.</summary>
    public ContrastiveSimilarity Similarity { get; init; } = ContrastiveSimilarity.Dot;
    /// <summary>`--mask_false_negatives`: Leave out of the loss in-batch passages that are also gold for the question.</summary>
    public bool MaskFalseNegatives { get; init; } = true;
    /// <summary>GradCache chunk size in texts; 0 encodes each batch in one pass.</summary>
    public int GradCacheChunkSize { get; init; }
    /// <summary>Token limit per text; null uses the model's maximum.</summary>
    public int? MaxLength { get; init; }
    /// <summary>Tokens per text when evaluating; null: the model's own maximum, whatever --max_length trains with.</summary>
    public int? EvalMaxLength { get; init; }
    /// <summary>`--use_prompts`: Prefix questions and passages with the model's prompts (e.g. e5's "query: " and "passage: ").</summary>
    public bool UsePrompts { get; init; } = true;
    /// <summary>`--mine_hard_negatives`: Before training, search each question in --full_dataset_file_path (with BM25, with the model before training, or both fused: hybrid) and add the passages it ranks just below the top to the question's hard negatives.</summary>
    public NegativeMiningSource MineHardNegatives { get; init; } = NegativeMiningSource.None;
    /// <summary>`--mined_negatives_per_question`: Hard negatives mined per question (they join the file's own hard_neg_docs in the batch pool).</summary>
    public int MinedNegativesPerQuestion { get; init; } = 2;
    /// <summary>`--mining_skip_top`: Ranks skipped before mining starts: the very top often holds unlabelled answers (neighbouring chunks).</summary>
    public int MiningSkipTop { get; init; } = 3;
    /// <summary>`--mining_depth`: How deep each question's ranking is searched for negatives.</summary>
    public int MiningDepth { get; init; } = 30;

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<CtlArguments>(new(), "contrastive_args")
        .Number("hard_neg_ratio", a => a.HardNegRatio, (a, v) => a with { HardNegRatio = v },
            "Hard negatives added per batch, as a fraction of the batch size.")
        .Number("temperature", a => a.Temperature, (a, v) => a with { Temperature = v },
            "Divides the similarity scores before the softmax of the contrastive loss.")
        .Choice("similarity", [("dot", ContrastiveSimilarity.Dot), ("cosine", ContrastiveSimilarity.Cosine)],
            a => a.Similarity, (a, v) => a with { Similarity = v },
            "Score of a question against a passage: dot product of the embeddings as pooled (LocalRQA), or cosine; ip is read as dot. "
            + "Saved as the model's similarity_fn_name.",
            note: "the contrastive loss scores by dot or cosine", valueAliases: Similarities.Aliases)
        .Boolean("mask_false_negatives", a => a.MaskFalseNegatives, (a, v) => a with { MaskFalseNegatives = v },
            "Leave out of the loss in-batch passages that are also gold for the question.")
        .Integer("grad_cache_chunk_size", a => a.GradCacheChunkSize, (a, v) => a with { GradCacheChunkSize = v },
            "Encode batches in chunks of this many texts with GradCache (same result, less memory); 0 turns it off.")
        .OptionalInteger("max_length", a => a.MaxLength, (a, v) => a with { MaxLength = v },
            "Tokens kept per text in training; none uses the model's maximum.")
        .OptionalInteger("eval_max_length", a => a.EvalMaxLength, (a, v) => a with { EvalMaxLength = v },
            "Tokens kept per text in evaluation; none uses the model's maximum (train short, evaluate whole passages).")
        .Boolean("use_prompts", a => a.UsePrompts, (a, v) => a with { UsePrompts = v },
            "Prefix questions and passages with the model's prompts (e.g. e5's \"query: \" and \"passage: \").")
        .Choice("mine_hard_negatives", [("none", NegativeMiningSource.None), ("bm25", NegativeMiningSource.Bm25), ("dense", NegativeMiningSource.Dense),
                ("hybrid", NegativeMiningSource.Hybrid)],
            a => a.MineHardNegatives, (a, v) => a with { MineHardNegatives = v },
            "Before training, search each question in --full_dataset_file_path (with BM25, with the model before training, or both fused: hybrid) "
            + "and add the passages it ranks just below the top to the question's hard negatives.")
        .Integer("mined_negatives_per_question", a => a.MinedNegativesPerQuestion, (a, v) => a with { MinedNegativesPerQuestion = v },
            "Hard negatives mined per question (they join the file's own hard_neg_docs in the batch pool).")
            .OnlyWhen(a => a.MineHardNegatives != NegativeMiningSource.None, "without --mine_hard_negatives bm25, dense or hybrid")
        .Integer("mining_skip_top", a => a.MiningSkipTop, (a, v) => a with { MiningSkipTop = v },
            "Ranks skipped before mining starts: the very top often holds unlabelled answers (neighbouring chunks).")
            .OnlyWhen(a => a.MineHardNegatives != NegativeMiningSource.None, "without --mine_hard_negatives bm25, dense or hybrid")
        .Integer("mining_depth", a => a.MiningDepth, (a, v) => a with { MiningDepth = v },
            "How deep each question's ranking is searched for negatives.")
            .OnlyWhen(a => a.MineHardNegatives != NegativeMiningSource.None, "without --mine_hard_negatives bm25, dense or hybrid")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    bool IHybridRetrievalUser.UsesHybrid => MineHardNegatives == NegativeMiningSource.Hybrid;
    int IHybridRetrievalUser.FusedTopK => MiningDepth;
    string IHybridRetrievalUser.FusedTopKFlag => "--mining_depth";
    bool IHybridRetrievalUser.ChoosesAutoWeight => false;
    string IHybridRetrievalUser.HybridFlag => "--mine_hard_negatives hybrid";

    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        Require(HardNegRatio is >= 0 and <= 1, $"--hard_neg_ratio must be in [0, 1], got {F(HardNegRatio)}");
        Require(Temperature > 0, $"--temperature must be > 0, got {F(Temperature)}");
        Require(GradCacheChunkSize >= 0, $"--grad_cache_chunk_size must be >= 0 (0 turns GradCache off), got {F(GradCacheChunkSize)}");
        Require(MaxLength is null or >= 1, $"--max_length must be at least 1 or none, got {F(MaxLength)}");
        Require(EvalMaxLength is null or >= 1, $"--eval_max_length must be at least 1 or none, got {F(EvalMaxLength)}");
        if (MineHardNegatives == NegativeMiningSource.None) return;
        Require(MinedNegativesPerQuestion >= 1, $"--mined_negatives_per_question must be at least 1, got {F(MinedNegativesPerQuestion)}");
        Require(MiningSkipTop >= 0, $"--mining_skip_top must be >= 0, got {F(MiningSkipTop)}");
        Require(MiningDepth > MiningSkipTop, $"--mining_depth ({F(MiningDepth)}) must exceed --mining_skip_top ({F(MiningSkipTop)})");
        var training = arguments.Records.OfType<TrainingArguments>().SingleOrDefault();
        Require(training is null || training.FullDatasetFilePath is not null || !training.DoTrain,
            "--mine_hard_negatives searches the document database: it needs --full_dataset_file_path");
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments)
    {
        var training = arguments.Records.OfType<TrainingArguments>().SingleOrDefault();
        if (training is { GradientAccumulationSteps: > 1 })
            yield return $"--gradient_accumulation_steps {training.GradientAccumulationSteps} does not add in-batch negatives: "
                + $"each batch of {training.PerDeviceTrainBatchSize} is contrasted only within itself; "
                + "use --grad_cache_chunk_size to train a larger batch in less memory";
        if (MineHardNegatives != NegativeMiningSource.None && HardNegRatio == 0)
            yield return $"--mine_hard_negatives {MineHardNegatives.ToString().ToLowerInvariant()} has no effect with --hard_neg_ratio 0: "
                + "no hard negatives enter the batches";
        if (Similarity == ContrastiveSimilarity.Dot && Temperature < 0.01)
            yield return $"--temperature {F(Temperature)} is very small for --similarity dot: dot products of unnormalised embeddings "
                + "are already large, so dividing them by it saturates the softmax; try 0.05 or --similarity cosine";
        if (Similarity == ContrastiveSimilarity.Cosine && Temperature > 0.2)
            yield return $"--temperature {F(Temperature)} is large for --similarity cosine: cosine scores lie in [-1, 1], "
                + $"so the logits span only ±{F(Math.Round(1 / Temperature, 2))} and the loss barely separates gold from negative passages; "
                + "0.01 to 0.1 is usual";
    }

    static string F(object? value) => ArgumentField.Format(value);

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
