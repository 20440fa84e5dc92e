namespace LocalRqa.Training;

/// <summary>
/// Where training metrics go besides the log (HF's report_to). Only local files: rqa never talks to a network
/// service, so wandb and the other HF integrations are refused at parse time.
/// </summary>
public enum ReportTarget
{
    /// <summary>Only the log and trainer_state.json.</summary>
    None,
    /// <summary>One JSON object per logging step in a .jsonl file under logging_dir.</summary>
    Jsonl,
    /// <summary>TensorBoard event files under logging_dir.</summary>
    Tensorboard,
}
