namespace LocalRqa.Training.Optimization;

/// <summary>The HF SchedulerType values rqa supports (lr_scheduler_type).</summary>
public enum LearningRateScheduleKind
{
    Linear,
    Cosine,
    Constant,
    ConstantWithWarmup,
}
