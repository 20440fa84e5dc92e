namespace LocalRqa.Training.Optimization;

/// <summary>
/// HF get_scheduler as a pure function of the optimizer step, so a resumed run needs only the step count.
/// Semantics are LambdaLR's: the lr used by optimizer step s (0-based) is base lr × Factor(s).
/// </summary>
internal sealed record LearningRateSchedule(LearningRateScheduleKind Kind, long WarmupSteps, long TrainingSteps)
{
    /// <summary>HF's lr_scheduler_type names.</summary>
    public static LearningRateScheduleKind ParseKind(string name) => name switch
    {
        "linear" => LearningRateScheduleKind.Linear,
        "cosine" => LearningRateScheduleKind.Cosine,
        "constant" => LearningRateScheduleKind.Constant,
        "constant_with_warmup" => LearningRateScheduleKind.ConstantWithWarmup,
        _ => throw new RqaException($"unknown lr scheduler '{name}'; expected linear, cosine, constant or constant_with_warmup"),
    };

    public static string Name(LearningRateScheduleKind kind) => kind switch
    {
        LearningRateScheduleKind.Linear => "linear",
        LearningRateScheduleKind.Cosine => "cosine",
        LearningRateScheduleKind.Constant => "constant",
        LearningRateScheduleKind.ConstantWithWarmup => "constant_with_warmup",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// TrainingArguments.get_warmup_steps: warmup_steps when > 0, else math.ceil(num_training_steps × warmup_ratio)
    /// (the same IEEE double product, so e.g. ratio 0.1 of 3 steps gives ceil(0.30000000000000004) = 1 here too).
    /// </summary>
    public static long ComputeWarmupSteps(long trainingSteps, long warmupSteps, double warmupRatio)
    {
        if (warmupSteps < 0) throw new RqaException($"warmup steps must be >= 0, got {warmupSteps}");
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new RqaException($"warmup ratio must be in [0, 1], got {warmupRatio}");
        return warmupSteps > 0 ? warmupSteps : (long)Math.Ceiling(trainingSteps * warmupRatio);
    }

    /// <summary>The multiplier of the base lr at 0-based optimizer step <paramref name="step"/> (HF's lr_lambda).</summary>
    public double Factor(long step)
    {
        // Warmup, shared by all but constant: s / max(1, warmup) while s < warmup.
        if (Kind != LearningRateScheduleKind.Constant && step < WarmupSteps)
            return (double)step / Math.Max(1, WarmupSteps);
        var decaySteps = (double)Math.Max(1, TrainingSteps - WarmupSteps);
        return Kind switch
        {
            // get_linear_schedule_with_warmup: max(0, (T - s) / max(1, T - W)).
            LearningRateScheduleKind.Linear => Math.Max(0.0, (TrainingSteps - step) / decaySteps),
            // get_cosine_schedule_with_warmup, num_cycles 0.5: max(0, 0.5 (1 + cos(pi · 2 · 0.5 · progress))).
            LearningRateScheduleKind.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * ((step - WarmupSteps) / decaySteps)))),
            LearningRateScheduleKind.Constant or LearningRateScheduleKind.ConstantWithWarmup => 1.0,
            _ => throw new InvalidOperationException($"unknown schedule {Kind}"),
        };
    }

    public double LearningRate(double baseLearningRate, long step) => baseLearningRate * Factor(step);
}
