namespace LocalRqa.Hub;

/// <summary>Which repo files a model download fetches.</summary>
internal static class HubModelFiles
{
    /// <summary>Always fetched first; a 404 means the model does not exist (or is not a transformers model).</summary>
    public const string Config = "config.json";

    /// <summary>
    /// Fetched when present; a 404 is fine and is recorded under <c>.no_exist/{commit}/</c>. A cached snapshot
    /// counts as complete only when each of these is either in it or recorded as absent.
    /// </summary>
    public static IReadOnlyList<string> Optional { get; } =
    [
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.txt",
        "special_tokens_map.json",
        "added_tokens.json",
        "spiece.model",
        "modules.json",
        "config_sentence_transformers.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        "generation_config.json",
    ];

    /// <summary>Weight layouts in order of preference; the first whose single file or index exists wins.</summary>
    public static IReadOnlyList<WeightFormat> Weights { get; } =
    [
        new("model.safetensors", "model.safetensors.index.json"),
        new("pytorch_model.bin", "pytorch_model.bin.index.json"),
    ];
}
