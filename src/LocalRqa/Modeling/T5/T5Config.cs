using System.Text.Json.Serialization;

namespace LocalRqa.Modeling.T5;

/// <summary>The fields of a HuggingFace T5 config.json that shape the encoder-decoder network.</summary>
internal sealed record T5Config
{
    [JsonPropertyName("model_type")] public string? ModelType { get; init; }
    [JsonPropertyName("is_encoder_decoder")] public bool IsEncoderDecoder { get; init; } = true;
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 32128;
    [JsonPropertyName("d_model")] public int DModel { get; init; } = 512;
    [JsonPropertyName("d_kv")] public int DKv { get; init; } = 64;
    [JsonPropertyName("d_ff")] public int DFf { get; init; } = 2048;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 6;
    /// <summary>Absent in most configs: the decoder then has as many blocks as the encoder (as in HF).</summary>
    [JsonPropertyName("num_decoder_layers")] public int? NumDecoderLayersSetting { get; init; }
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = 8;
    [JsonPropertyName("relative_attention_num_buckets")] public int RelativeAttentionNumBuckets { get; init; } = 32;
    [JsonPropertyName("relative_attention_max_distance")] public int RelativeAttentionMaxDistance { get; init; } = 128;
    [JsonPropertyName("dropout_rate")] public double DropoutRate { get; init; } = 0.1;
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; init; } = 1e-6;
    [JsonPropertyName("feed_forward_proj")] public string FeedForwardProj { get; init; } = "relu";
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }
    [JsonPropertyName("eos_token_id")] public int EosTokenId { get; init; } = 1;
    /// <summary>T5 starts decoding from the pad token unless the config says otherwise.</summary>
    [JsonPropertyName("decoder_start_token_id")] public int? DecoderStartTokenIdSetting { get; init; }

    public int NumDecoderLayers => NumDecoderLayersSetting ?? NumLayers;
    public int DecoderStartTokenId => DecoderStartTokenIdSetting ?? PadTokenId;
    public int InnerDim => NumHeads * DKv;

    /// <summary>
    /// HF reads feed_forward_proj as "ACT" or "gated-ACT"; "gated-gelu" means the tanh approximation
    /// (gelu_new) for backwards compatibility with the original T5 v1.1 checkpoints.
    /// </summary>
    public bool IsGatedAct => FeedForwardProj.StartsWith("gated-", StringComparison.Ordinal);

    public string DenseActFn => FeedForwardProj == "gated-gelu" ? "gelu_new" : FeedForwardProj.Split('-')[^1];

    public static T5Config Load(string folder)
    {
        var config = ConfigFile.Read<T5Config>(folder);
        config.Validate(Path.Combine(folder, ConfigFile.Name));
        return config;
    }

    public void Validate(string source)
    {
        if (ModelType != "t5" || !IsEncoderDecoder)
            throw new RqaException($"{source}: model_type '{ModelType ?? "(none)"}'{(IsEncoderDecoder ? "" : " (not an encoder-decoder)")} cannot be used as a reader; a T5 encoder-decoder (model_type 't5') is required");
        var parts = FeedForwardProj.Split('-');
        if (parts.Length > 2 || (parts.Length == 2 && parts[0] != "gated") || !Activations.Supported.Contains(DenseActFn))
            throw new RqaException($"{source}: feed_forward_proj '{FeedForwardProj}' is not 'ACT' or 'gated-ACT' with ACT one of {string.Join(", ", Activations.Supported)}");
        ConfigFile.RequirePositive(source, "vocab_size", VocabSize);
        ConfigFile.RequirePositive(source, "d_model", DModel);
        ConfigFile.RequirePositive(source, "d_kv", DKv);
        ConfigFile.RequirePositive(source, "d_ff", DFf);
        ConfigFile.RequirePositive(source, "num_layers", NumLayers);
        ConfigFile.RequirePositive(source, "num_decoder_layers", NumDecoderLayers);
        ConfigFile.RequirePositive(source, "num_heads", NumHeads);
        ConfigFile.RequirePositive(source, "relative_attention_num_buckets", RelativeAttentionNumBuckets);
        ConfigFile.RequirePositive(source, "relative_attention_max_distance", RelativeAttentionMaxDistance);
        foreach (var (field, id) in new[] { ("pad_token_id", PadTokenId), ("eos_token_id", EosTokenId), ("decoder_start_token_id", DecoderStartTokenId) })
            if (id < 0 || id >= VocabSize)
                throw new RqaException($"{source}: {field} {id} is outside the vocabulary of {VocabSize}");
    }
}
