using System.Text.Json.Serialization;

namespace LocalRqa.Modeling.Bert;

/// <summary>The fields of a HuggingFace BERT config.json that shape the network.</summary>
internal sealed record BertConfig
{
    [JsonPropertyName("model_type")] public string? ModelType { get; init; }
    [JsonPropertyName("architectures")] public string[]? Architectures { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 30522;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }
    [JsonPropertyName("position_embedding_type")] public string PositionEmbeddingType { get; init; } = "absolute";

    // Derived, not a config.json field: serialising it would put a key transformers does not know into saved folders.
    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Architectures whose checkpoints hold a BertModel (possibly under a `bert.` prefix).</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures =
        ["BertModel", "BertForMaskedLM", "BertForPreTraining", "BertForSequenceClassification", "BertForTokenClassification", "Contriever"];

    public static BertConfig Load(string folder)
    {
        var config = ConfigFile.Read<BertConfig>(folder);
        config.Validate(Path.Combine(folder, ConfigFile.Name));
        return config;
    }

    public void Validate(string source)
    {
        if (ModelType != "bert")
            throw new RqaException($"{source}: unsupported model_type '{ModelType ?? "(none)"}'; the retriever encoder supports BERT-family models (model_type 'bert')");
        foreach (var architecture in Architectures ?? [])
            if (!SupportedArchitectures.Contains(architecture))
                throw new RqaException($"{source}: unsupported architecture '{architecture}' (supported: {string.Join(", ", SupportedArchitectures)})");
        if (PositionEmbeddingType != "absolute")
            throw new RqaException($"{source}: position_embedding_type '{PositionEmbeddingType}' is not supported (only 'absolute')");
        ConfigFile.RequirePositive(source, "vocab_size", VocabSize);
        ConfigFile.RequirePositive(source, "hidden_size", HiddenSize);
        ConfigFile.RequirePositive(source, "num_hidden_layers", NumHiddenLayers);
        ConfigFile.RequirePositive(source, "num_attention_heads", NumAttentionHeads);
        ConfigFile.RequirePositive(source, "intermediate_size", IntermediateSize);
        ConfigFile.RequirePositive(source, "max_position_embeddings", MaxPositionEmbeddings);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new RqaException($"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new RqaException($"{source}: pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}");
        if (!Activations.Supported.Contains(HiddenAct))
            throw new RqaException($"{source}: unsupported hidden_act '{HiddenAct}' (supported: {string.Join(", ", Activations.Supported)})");
    }
}
