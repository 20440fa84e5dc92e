using LocalRqa.Training.Arguments;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Training;

/// <summary>The shared training loop's settings (HF TrainingArguments' meaning and LocalRQA's defaults).</summary>
public sealed record TrainerSettings
{
    public required string OutputDir { get; init; }
    public double LearningRate { get; init; } = 1e-5;
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Optimizer steps; ≤ 0 means NumTrainEpochs decides.</summary>
    public int MaxSteps { get; init; } = 200;
    public double NumTrainEpochs { get; init; } = 3;
    public double WarmupRatio { get; init; } = 0.1;
    public int WarmupSteps { get; init; }
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public int LoggingSteps { get; init; } = 10;
    /// <summary>Evaluate every this many steps; ≤ 0 never (besides the start and the end).</summary>
    public int EvalSteps { get; init; } = 100;
    public int SaveSteps { get; init; } = 100;
    public int SaveTotalLimit { get; init; } = 1;
    public int Seed { get; init; } = 42;
    public int GradientAccumulationSteps { get; init; } = 1;
    public double MaxGradNorm { get; init; } = 1.0;
    public string MetricForBestModel { get; init; } = "eval_retr/document_recall/recall4";
    public bool GreaterIsBetter { get; init; } = true;
    /// <summary>Evaluate the untrained model first, so reports show the gain.</summary>
    public bool EvaluateAtStart { get; init; } = true;
    /// <summary>A checkpoint folder to resume from; ignored when <see cref="ResumeFromLatest"/>.</summary>
    public string? ResumeFromCheckpoint { get; init; }
    /// <summary>Resume from the newest checkpoint in the output folder (`--resume_from_checkpoint true`).</summary>
    public bool ResumeFromLatest { get; init; }
    /// <summary>Whether the best checkpoint's weights become the saved model (else the last step's).</summary>
    public bool LoadBestModelAtEnd { get; init; } = true;
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
