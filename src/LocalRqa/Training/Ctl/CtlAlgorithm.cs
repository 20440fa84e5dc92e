using LocalRqa.Arguments;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Losses;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;
using LocalRqa.Training.Mining;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// `rqa train ctl` (LocalRQA's scripts/train/retriever/train_ctl_retriever.py): in-batch contrastive learning with
/// hard negatives, optionally mined before training (`--mine_hard_negatives`).
/// </summary>
/// <param name="hybrid">the fusion flags of --mine_hard_negatives hybrid; null: none given</param>
internal sealed class CtlAlgorithm(CtlArguments ctl, HybridArguments? hybrid = null) : TrainingAlgorithm
{
    IReadOnlyList<RetrievalExample>? train;
    int trainMaxLength;
    // The untrained model's index when dense mining built one: the evaluation at step 0 needs exactly it.
    DenseRetriever? miningIndex;
    // --mine_hard_negatives hybrid: the fusion, resolved in the pre-flight (flags over the model folder's file).
    HybridSettings? miningFusion;

    public CtlAlgorithm(ArgumentSet arguments) : this(arguments.Get<CtlArguments>(), arguments.Records.OfType<HybridArguments>().SingleOrDefault()) { }

    public override string Description => "CTL (in-batch contrastive learning with hard negatives)";

    Similarity Similarity => ctl.Similarity == ContrastiveSimilarity.Cosine ? Similarity.Cosine : Similarity.Dot;

    public override EncoderOverrides EncoderOverrides(TrainingRun run) => run.EvaluatesOnly
        ? new EncoderOverrides { Pooling = run.Args.PoolingType, MaxLength = ctl.EvalMaxLength, UsePrompts = ctl.UsePrompts }
        : new EncoderOverrides { Pooling = run.Args.PoolingType, UsePrompts = ctl.UsePrompts };

    public override Similarity EvaluationSimilarity(SentenceEncoder encoder) => Similarity;

    public override bool NeedsDocuments => ctl.MineHardNegatives != NegativeMiningSource.None;

    public override void Preflight(RunPreflight preflight, TrainingRun run)
    {
        if (ctl.MineHardNegatives == NegativeMiningSource.Hybrid)
            miningFusion = (hybrid ?? new HybridArguments()).ForModel(preflight.ResolveModel(run.Args.ModelNameOrPath), ctl.MiningDepth, run.Log);
    }

    public override void CheckInputs(TrainingRun run) => train = RetrievalDataReader.Read(run.Args.TrainFile!, run.Log);

    public override void Configure(SentenceEncoder encoder, TrainingRun run)
    {
        // Train on --max_length tokens; evaluate and save with --eval_max_length (default: the model's own).
        if (ctl.EvalMaxLength is { } evalLength) encoder.Settings = encoder.Settings with { MaxLength = CheckLength(evalLength, "--eval_max_length", encoder) };
        trainMaxLength = ctl.MaxLength is { } trainLength ? CheckLength(trainLength, "--max_length", encoder) : encoder.Settings.MaxLength;
        // The saved model says how it was trained to be compared, so evaluation and Python use the same similarity.
        encoder.Settings = encoder.Settings with { SimilarityFunction = Similarity.Name() };
        run.Log.WriteLine($"Model {run.Args.ModelNameOrPath}: pooling {encoder.Settings.Pooling.Name()}, normalize {encoder.Settings.Normalize.ToString().ToLowerInvariant()}, " +
                          $"max length {trainMaxLength} (eval {encoder.Settings.MaxLength}), similarity {Similarity.Name()}");
    }

    public override int LoadTrainingData(TrainingRun run)
    {
        run.Log.WriteLine($"Loaded {train!.Count} training questions from {run.Args.TrainFile}");
        return train.Count;
    }

    public override ITrainingObjective CreateObjective(SentenceEncoder encoder, TrainingRun run)
    {
        if (ctl.MineHardNegatives != NegativeMiningSource.None) train = MineNegatives(encoder, run);
        return new CtlObjective(encoder, train!, CtlObjectiveSettings.From(ctl, run.Args, trainMaxLength), run.Log);
    }

    public override (IVectorIndex Index, string Description)? EvaluationIndex(int step) =>
        step == 0 && miningIndex is { } index ? (index.Index, $"reusing the index built for mining (base model, {Similarity.Name()})") : null;

    /// <summary>
    /// `--mine_hard_negatives`: every training question searched in the database before training (with the base model,
    /// also on resume, so a resumed run trains on the same negatives), the mined data saved as a LocalRQA training file.
    /// </summary>
    IReadOnlyList<RetrievalExample> MineNegatives(SentenceEncoder encoder, TrainingRun run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var documents = run.Documents();
        if (ctl.MineHardNegatives != NegativeMiningSource.Bm25)
            miningIndex = DenseRetriever.Build(encoder, documents, Similarity, run.Args.PerDeviceEvalBatchSize, log: run.Log,
                startProgress: total => run.StartProgress("mining: embedding documents", total));
        IRetriever retriever = ctl.MineHardNegatives switch
        {
            NegativeMiningSource.Dense => miningIndex!,
            // The index stays this algorithm's: the evaluation at step 0 reuses it.
            NegativeMiningSource.Hybrid => new HybridRetriever(miningIndex!, new Bm25Retriever(documents.Documents),
                miningFusion ?? throw new InvalidOperationException("the pre-flight resolves the mining fusion"), ownsDense: false),
            _ => new Bm25Retriever(documents.Documents),
        };
        var miner = new HardNegativeMiner(ctl.MinedNegativesPerQuestion, ctl.MiningSkipTop, ctl.MiningDepth);
        var result = miner.Mine(train!, retriever, documents, run.StartProgress("mining: searching questions", train!.Count));
        var name = retriever is HybridRetriever hybridMiner ? hybridMiner.Description : ctl.MineHardNegatives.ToString().ToLowerInvariant();
        run.Log.WriteLine($"Mined {ctl.MinedNegativesPerQuestion} hard negatives per question with {name} (ranks {ctl.MiningSkipTop + 1} to {ctl.MiningDepth}) "
            + $"in {clock.Elapsed.TotalSeconds:F1} s; written to {MinedNegativesFile}");
        if (result.Shortfall > 0)
            run.Log.WriteLine($"warning: {result.Shortfall} questions got fewer than {ctl.MinedNegativesPerQuestion} mined negatives (raise --mining_depth)");
        // A LocalRQA training file, so the mined data can be reused as it is (also by LocalRQA itself).
        RetrievalDataWriter.Write(Path.Combine(run.Args.OutputDir, MinedNegativesFile), result.Examples);
        return result.Examples;
    }

    /// <summary>The training questions with their mined negatives first in hard_neg_docs, one question per line.</summary>
    public const string MinedNegativesFile = "train_with_mined_negatives.jsonl";

    static int CheckLength(int length, string flag, SentenceEncoder encoder) =>
        length <= encoder.Model.Config.MaxPositionEmbeddings
            ? length
            : throw new RqaException($"{flag} {length} exceeds the model's max_position_embeddings ({encoder.Model.Config.MaxPositionEmbeddings})");

    public override IReadOnlyDictionary<string, object?> ReportFields(SentenceEncoder encoder) => new Dictionary<string, object?>
    {
        ["hard_neg_ratio"] = ctl.HardNegRatio, ["temperature"] = ctl.Temperature, ["similarity"] = Similarity.Name(),
        ["mask_false_negatives"] = ctl.MaskFalseNegatives, ["grad_cache_chunk_size"] = ctl.GradCacheChunkSize,
        ["mine_hard_negatives"] = ctl.MineHardNegatives.ToString().ToLowerInvariant(),
    };

    public override void Dispose()
    {
        miningIndex?.Dispose();
        base.Dispose();
    }
}
