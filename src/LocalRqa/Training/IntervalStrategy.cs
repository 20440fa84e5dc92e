namespace LocalRqa.Training;

/// <summary>HF's IntervalStrategy: when to evaluate (evaluation_strategy) or save (save_strategy).</summary>
public enum IntervalStrategy
{
    /// <summary>Never during training.</summary>
    No,
    /// <summary>Every eval_steps / save_steps optimizer steps.</summary>
    Steps,
    /// <summary>At the end of every epoch.</summary>
    Epoch,
}
