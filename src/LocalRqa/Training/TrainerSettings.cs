using LocalRqa.Training.Optimization;

namespace LocalRqa.Training;

/// <summary>
/// The shared training loop's settings (HF TrainingArguments' meaning). Defaults are the flags' own
/// (<see cref="TrainingArguments"/>), declared once there.
/// </summary>
internal sealed record TrainerSettings
{
    static readonly TrainingArguments Flags = new();

    public required string OutputDir { get; init; }
    public double LearningRate { get; init; } = Flags.LearningRate;
    public double WeightDecay { get; init; } = Flags.WeightDecay;
    /// <summary>Optimizer steps; ≤ 0 means NumTrainEpochs decides.</summary>
    public int MaxSteps { get; init; } = Flags.MaxSteps;
    public double NumTrainEpochs { get; init; } = Flags.NumTrainEpochs;
    public double WarmupRatio { get; init; } = Flags.WarmupRatio;
    public int WarmupSteps { get; init; } = Flags.WarmupSteps;
    public LearningRateScheduleKind Schedule { get; init; } = Flags.LrSchedulerType;
    public int LoggingSteps { get; init; } = Flags.LoggingSteps;
    /// <summary>Evaluate every this many steps; ≤ 0 never (besides the start and the end).</summary>
    public int EvalSteps { get; init; } = Flags.EvalSteps;
    public int SaveSteps { get; init; } = Flags.SaveSteps;
    public int SaveTotalLimit { get; init; } = Flags.SaveTotalLimit ?? int.MaxValue;
    public int Seed { get; init; } = Flags.Seed;
    /// <summary>Questions per optimizer step before accumulation: trainer_state.json's train_batch_size, as HF records it.</summary>
    public int TrainBatchSize { get; init; } = Flags.PerDeviceTrainBatchSize;
    public int GradientAccumulationSteps { get; init; } = Flags.GradientAccumulationSteps;
    public double MaxGradNorm { get; init; } = Flags.MaxGradNorm;
    public string MetricForBestModel { get; init; } = Flags.MetricForBestModel;
    public bool GreaterIsBetter { get; init; } = Flags.GreaterIsBetter;
    /// <summary>Evaluate the untrained model first, so reports show the gain.</summary>
    public bool EvaluateAtStart { get; init; } = true;
    /// <summary>A checkpoint folder to resume from; ignored when <see cref="ResumeFromLatest"/>.</summary>
    public string? ResumeFromCheckpoint { get; init; }
    /// <summary>Resume from the newest checkpoint in the output folder (`--resume_from_checkpoint true`).</summary>
    public bool ResumeFromLatest { get; init; }
    /// <summary>Whether the best checkpoint's weights become the saved model (else the last step's).</summary>
    public bool LoadBestModelAtEnd { get; init; } = Flags.LoadBestModelAtEnd;
    /// <summary>`--report_to jsonl`: every log entry is appended to this file as it happens.</summary>
    public string? ReportJsonlPath { get; init; }
    /// <summary>`--report_to tensorboard`: scalars written as TensorBoard event files in this folder.</summary>
    public string? TensorBoardDir { get; init; }

    /// <summary>The loop's settings from the shared training flags; an epoch is <paramref name="batchesPerEpoch"/> steps.</summary>
    public static TrainerSettings FromArguments(TrainingArguments args, int batchesPerEpoch, bool evaluateAtStart) => new()
    {
        OutputDir = args.OutputDir,
        LearningRate = args.LearningRate,
        WeightDecay = args.WeightDecay,
        MaxSteps = args.MaxSteps,
        NumTrainEpochs = args.NumTrainEpochs,
        WarmupRatio = args.WarmupRatio,
        WarmupSteps = args.WarmupSteps,
        Schedule = args.LrSchedulerType,
        LoggingSteps = args.LoggingSteps,
        EvalSteps = args.EvaluationStrategy switch
        {
            IntervalStrategy.Steps => args.EvalSteps,
            IntervalStrategy.Epoch => batchesPerEpoch,
            _ => 0,
        },
        SaveSteps = args.SaveStrategy switch
        {
            IntervalStrategy.Steps => args.SaveSteps,
            IntervalStrategy.Epoch => batchesPerEpoch,
            _ => 0,
        },
        SaveTotalLimit = args.SaveTotalLimit ?? int.MaxValue,
        Seed = args.Seed,
        TrainBatchSize = args.PerDeviceTrainBatchSize,
        GradientAccumulationSteps = args.GradientAccumulationSteps,
        MaxGradNorm = args.MaxGradNorm,
        MetricForBestModel = args.MetricForBestModel,
        GreaterIsBetter = args.GreaterIsBetter,
        EvaluateAtStart = evaluateAtStart,
        ResumeFromCheckpoint = args.ResumesFromLatestCheckpoint ? null : args.ResumeFromCheckpoint,
        ResumeFromLatest = args.ResumesFromLatestCheckpoint,
        LoadBestModelAtEnd = args.LoadBestModelAtEnd,
        ReportJsonlPath = args.ReportTo == ReportTarget.Jsonl ? Path.Combine(args.LoggingDir ?? args.OutputDir, "log_history.jsonl") : null,
        TensorBoardDir = args.ReportTo == ReportTarget.Tensorboard ? args.LoggingDir ?? Path.Combine(args.OutputDir, "runs") : null,
    };
}
