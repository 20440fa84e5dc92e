using LocalRqa.Tokenization;

namespace LocalRqa.Tests.Tokenization;

/// <summary>A temporary model folder for hand-written tokenizer.json files (and optionally tokenizer_config.json).</summary>
internal sealed class TokenizerFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rqa-tokfolder-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);

    public PipelineTokenizer Load(string model, string normalizer = "null", string preTokenizer = "null",
        string postProcessor = "null", string decoder = "null", string addedTokens = "[]", string? config = null)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, "tokenizer.json"), $$"""
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":{{addedTokens}},"normalizer":{{normalizer}},
             "pre_tokenizer":{{preTokenizer}},"post_processor":{{postProcessor}},"decoder":{{decoder}},"model":{{model}}}
            """);
        string configPath = System.IO.Path.Combine(Path, "tokenizer_config.json");
        if (config is null) File.Delete(configPath);
        else File.WriteAllText(configPath, config);
        return (PipelineTokenizer)TokenizerLoader.FromFolder(Path);
    }

    public static string Tokens(ITextTokenizer tokenizer, string text) => string.Join(" ", tokenizer.Tokenize(text));
}
