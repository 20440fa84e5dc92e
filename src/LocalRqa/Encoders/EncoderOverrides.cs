namespace LocalRqa.Encoders;

/// <summary>Command-line choices that replace the model folder's defaults; null keeps the default.</summary>
public sealed record EncoderOverrides
{
    public PoolingType? Pooling { get; init; }
    public bool? Normalize { get; init; }
    public int? MaxLength { get; init; }

    public EncoderSettings ApplyTo(EncoderSettings settings) => settings with
    {
        Pooling = Pooling ?? settings.Pooling,
        Normalize = Normalize ?? settings.Normalize,
        MaxLength = MaxLength ?? settings.MaxLength,
    };
}
