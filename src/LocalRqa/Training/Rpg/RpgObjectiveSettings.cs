namespace LocalRqa.Training.Rpg;

/// <summary>What <see cref="RpgObjective"/> needs besides its model, data and LM (see RpgArguments for the flags).</summary>
public sealed record RpgObjectiveSettings
{
    public int NumDocs { get; init; } = 20;
    public double RetrieveTemperature { get; init; } = 0.1;
    public double LmTemperature { get; init; } = 0.1;
    /// <summary>Batches between index refreshes: refresh_step × gradient_accumulation_steps (refresh_step counts optimizer steps).</summary>
    public int RefreshEveryBatches { get; init; } = 10;
    public bool TrainPassageEncoder { get; init; } = true;
    public int BatchSize { get; init; } = 4;
    public int Seed { get; init; } = 42;
    /// <summary>Texts per forward pass when the database is embedded for the index.</summary>
    public int EncodeBatchSize { get; init; } = 32;
    /// <summary>Texts per forward pass with gradients (length-sorted chunks, as CTL's plain step).</summary>
    public int ChunkSize { get; init; } = 16;
}
