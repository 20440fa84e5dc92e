namespace LocalRqa.Encoders;

/// <summary>Command-line choices that replace the model folder's defaults; null keeps the default.</summary>
internal sealed record EncoderOverrides
{
    public PoolingType? Pooling { get; init; }
    public bool? Normalize { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>False drops the model's query and passage prompts.</summary>
    public bool UsePrompts { get; init; } = true;

    public EncoderSettings ApplyTo(EncoderSettings settings) => settings with
    {
        Pooling = Pooling ?? settings.Pooling,
        Normalize = Normalize ?? settings.Normalize,
        MaxLength = MaxLength ?? settings.MaxLength,
        QueryPrompt = UsePrompts ? settings.QueryPrompt : "",
        PassagePrompt = UsePrompts ? settings.PassagePrompt : "",
    };
}
