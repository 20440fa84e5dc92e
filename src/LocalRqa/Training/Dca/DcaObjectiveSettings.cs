
namespace LocalRqa.Training.Dca;

/// <summary>
/// Everything <see cref="DcaObjective"/> needs besides its model and data. No defaults here: they are declared once,
/// on the flags (<see cref="DcaArguments"/>, <see cref="TrainingArguments"/>), and <see cref="From"/> carries them over.
/// </summary>
internal sealed record DcaObjectiveSettings
{
    public required int BatchSize { get; init; }
    public required int Seed { get; init; }
    /// <summary>Divides the reader's scores before the softmax that makes them the target distribution.</summary>
    public required double ReaderTemperature { get; init; }
    /// <summary>Tokens per text the retriever reads (the reader's limit, capped at the retriever's positions).</summary>
    public required int TextMaxlength { get; init; }
    public required bool ApplyQuestionMask { get; init; }
    public required bool ApplyPassageMask { get; init; }
    /// <summary>The first token's state as the embedding, else the (masked) mean.</summary>
    public required bool ExtractCls { get; init; }

    public static DcaObjectiveSettings From(DcaArguments dca, TrainingArguments args, int textMaxlength) => new()
    {
        BatchSize = args.PerDeviceTrainBatchSize,
        Seed = args.Seed,
        ReaderTemperature = dca.ReaderTemperature,
        TextMaxlength = textMaxlength,
        ApplyQuestionMask = dca.ApplyQuestionMask,
        ApplyPassageMask = dca.ApplyPassageMask,
        ExtractCls = dca.ExtractCls,
    };
}
