namespace LocalRqa.Encoders;

/// <summary>What `rqa encode` was asked to do.</summary>
public sealed record EncodeRequest(
    string ModelFolder,
    string InputPath,
    string OutputPath,
    PromptKind Prompt,
    EncoderOverrides Overrides,
    int BatchSize);
