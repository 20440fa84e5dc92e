using LocalRqa.Losses;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// Everything <see cref="CtlObjective"/> needs besides its model and data. No defaults here: they are declared once,
/// on the flags (<see cref="CtlArguments"/>, <see cref="TrainingArguments"/>), and <see cref="From"/> carries them over.
/// </summary>
internal sealed record CtlObjectiveSettings
{
    public required int BatchSize { get; init; }
    public required int Seed { get; init; }
    /// <summary>Hard negatives per batch: int(ratio × batch size).</summary>
    public required double HardNegRatio { get; init; }
    public required bool MaskFalseNegatives { get; init; }
    public required double Temperature { get; init; }
    public required ContrastiveSimilarity Similarity { get; init; }
    /// <summary>GradCache chunk size; 0 trains with the plain step.</summary>
    public required int GradCacheChunkSize { get; init; }
    /// <summary>Tokens per text in training; null keeps the model's.</summary>
    public required int? MaxLength { get; init; }

    public static CtlObjectiveSettings From(CtlArguments ctl, TrainingArguments args, int? maxLength) => new()
    {
        BatchSize = args.PerDeviceTrainBatchSize,
        Seed = args.Seed,
        HardNegRatio = ctl.HardNegRatio,
        MaskFalseNegatives = ctl.MaskFalseNegatives,
        Temperature = ctl.Temperature,
        Similarity = ctl.Similarity,
        GradCacheChunkSize = ctl.GradCacheChunkSize,
        MaxLength = maxLength,
    };
}
