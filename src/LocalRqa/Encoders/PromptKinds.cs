namespace LocalRqa.Encoders;

/// <summary>Parsing of `--prompt` values.</summary>
internal static class PromptKinds
{
    public static PromptKind Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "none" => PromptKind.None,
        "query" => PromptKind.Query,
        "passage" => PromptKind.Passage,
        _ => throw new RqaException($"--prompt: unknown prompt '{value}' (expected query, passage or none)"),
    };
}
