using LocalRqa.Encoders;

namespace LocalRqa.Jobs;

/// <summary>What `rqa encode` was asked to do, with the model resolved to a folder (<see cref="EncodeArguments"/> are the flags).</summary>
internal sealed record EncodeRequest(
    string ModelFolder,
    string InputPath,
    string OutputPath,
    PromptKind Prompt,
    EncoderOverrides Overrides,
    int BatchSize);
