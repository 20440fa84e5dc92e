namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// Everything the decoder network needs, resolved from a config.json by its <see cref="CausalLmFamily"/>:
/// the families differ only in these switches, so one set of modules serves all of them.
/// </summary>
internal sealed record DecoderSettings
{
    /// <summary>The config's model_type, for messages.</summary>
    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required string HiddenAct { get; init; }
    public required NormalizationKind Normalization { get; init; }
    public required double NormEps { get; init; }
    /// <summary>Biases on the q, k and v projections.</summary>
    public required bool QkvBias { get; init; }
    /// <summary>Bias on the attention output projection (o_proj).</summary>
    public required bool OutputBias { get; init; }
    /// <summary>Biases on gate_proj, up_proj and down_proj.</summary>
    public required bool MlpBias { get; init; }
    public required RotarySettings Rotary { get; init; }
    /// <summary>Per-head LayerNorm of queries and keys before the rotation (StableLM 2 12B).</summary>
    public bool QkLayerNorm { get; init; }
    /// <summary>x + attn(ln(x)) + mlp(ln(x)) with one norm per layer, instead of two sequential residuals.</summary>
    public bool ParallelResidual { get; init; }
    /// <summary>Query i sees key j only when i - j &lt; window (Mistral); null for full causal attention.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>The output projection reuses model.embed_tokens.weight; the checkpoint need not store lm_head.weight.</summary>
    public required bool TieWordEmbeddings { get; init; }

    /// <summary>Checks the invariants the modules rely on; messages name the config file.</summary>
    public void Validate(string source)
    {
        ConfigFile.RequirePositive(source, "vocab_size", VocabSize);
        ConfigFile.RequirePositive(source, "hidden_size", HiddenSize);
        ConfigFile.RequirePositive(source, "intermediate_size", IntermediateSize);
        ConfigFile.RequirePositive(source, "num_hidden_layers", Layers);
        ConfigFile.RequirePositive(source, "num_attention_heads", Heads);
        ConfigFile.RequirePositive(source, "num_key_value_heads", KeyValueHeads);
        ConfigFile.RequirePositive(source, "head_dim", HeadDim);
        if (Heads % KeyValueHeads != 0)
            throw new RqaException($"{source}: num_attention_heads {Heads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        if (Rotary.Dims <= 0 || Rotary.Dims > HeadDim || Rotary.Dims % 2 != 0)
            throw new RqaException($"{source}: rotary dimensions {Rotary.Dims} must be even and within 1..head_dim {HeadDim}");
        if (SlidingWindow is <= 0)
            throw new RqaException($"{source}: sliding_window must be positive, got {SlidingWindow}");
        if (!Activations.Supported.Contains(HiddenAct))
            throw new RqaException($"{source}: unsupported hidden_act '{HiddenAct}' (supported: {string.Join(", ", Activations.Supported)})");
    }
}
