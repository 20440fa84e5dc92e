
namespace LocalRqa.Training.Rpg;

/// <summary>
/// Everything <see cref="RpgObjective"/> needs besides its model, data and LM. No defaults for flags here: they are
/// declared once, on the flags (<see cref="RpgArguments"/>, <see cref="TrainingArguments"/>), and <see cref="From"/>
/// carries them over.
/// </summary>
internal sealed record RpgObjectiveSettings
{
    public required int NumDocs { get; init; }
    public required double RetrieveTemperature { get; init; }
    public required double LmTemperature { get; init; }
    /// <summary>Batches between index refreshes: refresh_step × gradient_accumulation_steps (refresh_step counts optimizer steps).</summary>
    public required int RefreshEveryBatches { get; init; }
    public required bool TrainPassageEncoder { get; init; }
    public required int BatchSize { get; init; }
    public required int Seed { get; init; }
    /// <summary>Texts per forward pass when the database is embedded for the index.</summary>
    public required int EncodeBatchSize { get; init; }
    /// <summary>Texts per forward pass with gradients (length-sorted chunks, as CTL's plain step); not a flag.</summary>
    public int ChunkSize { get; init; } = 16;

    public static RpgObjectiveSettings From(RpgArguments rpg, TrainingArguments args) => new()
    {
        NumDocs = rpg.NumDocs,
        RetrieveTemperature = rpg.RetrieveTemperature,
        LmTemperature = rpg.LmTemperature,
        RefreshEveryBatches = rpg.RefreshStep * args.GradientAccumulationSteps,
        TrainPassageEncoder = rpg.TrainPassageEncoder,
        BatchSize = args.PerDeviceTrainBatchSize,
        Seed = args.Seed,
        EncodeBatchSize = args.PerDeviceEvalBatchSize,
    };
}
