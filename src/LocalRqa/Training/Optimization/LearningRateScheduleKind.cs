namespace LocalRqa.Training.Optimization;

/// <summary>The HF SchedulerType values rqa supports (lr_scheduler_type).</summary>
public enum LearningRateScheduleKind
{
    /// <summary>`linear`: from the peak down to 0 at the last step.</summary>
    Linear,
    /// <summary>`cosine`: half a cosine from the peak down to 0 at the last step.</summary>
    Cosine,
    /// <summary>`constant`: the peak throughout, without warm-up.</summary>
    Constant,
    /// <summary>`constant_with_warmup`: the peak after the warm-up.</summary>
    ConstantWithWarmup,
}
