namespace LocalRqa.Training.Optimization;

/// <summary>What a resumed run reads back besides the AdamW moments: how many optimizer steps were done and under which schedule.</summary>
internal sealed record OptimizerResumeState(long CompletedSteps, LearningRateSchedule Schedule);
