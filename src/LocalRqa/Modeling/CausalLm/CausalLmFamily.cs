namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// One family of decoder-only checkpoints (its model_type values and *ForCausalLM architectures) and how its
/// config.json maps onto <see cref="DecoderSettings"/>.
/// </summary>
internal abstract class CausalLmFamily
{
    public abstract IReadOnlyList<string> ModelTypes { get; }
    public abstract IReadOnlyList<string> Architectures { get; }

    /// <summary>The family's switches on top of <see cref="Common"/>.</summary>
    protected abstract DecoderSettings Specialize(DecoderSettings common, CausalLmConfig config, string source);

    public static readonly IReadOnlyList<CausalLmFamily> All = [new LlamaFamily(), new Qwen2Family(), new StableLmFamily()];

    public static IEnumerable<string> SupportedModelTypes => All.SelectMany(f => f.ModelTypes);

    /// <summary>Reads a model folder's config.json and resolves it with the family it names.</summary>
    public static DecoderSettings LoadSettings(string folder)
    {
        var source = Path.Combine(folder, ConfigFile.Name);
        var config = ConfigFile.Read<CausalLmConfig>(folder);
        return Find(config, source).Resolve(config, source);
    }

    /// <summary>Picks the family by model_type, or by architectures when model_type is absent.</summary>
    public static CausalLmFamily Find(CausalLmConfig config, string source)
    {
        var family = config.ModelType is { } modelType
            ? All.FirstOrDefault(f => f.ModelTypes.Contains(modelType))
            : All.FirstOrDefault(f => (config.Architectures ?? []).Any(f.Architectures.Contains));
        return family ?? throw new RqaException(
            $"{source}: unsupported causal language model (model_type '{config.ModelType ?? "(none)"}', architectures " +
            $"{string.Join(", ", config.Architectures ?? ["(none)"])}); supported model types: {string.Join(", ", SupportedModelTypes)} " +
            $"({string.Join(", ", All.SelectMany(f => f.Architectures))})");
    }

    public DecoderSettings Resolve(CausalLmConfig config, string source)
    {
        foreach (var architecture in config.Architectures ?? [])
            if (!Architectures.Contains(architecture))
                throw new RqaException($"{source}: unsupported architecture '{architecture}' for model_type '{config.ModelType}' (supported: {string.Join(", ", Architectures)})");
        var settings = Specialize(Common(config, source), config, source);
        settings.Validate(source);
        return settings;
    }

    /// <summary>The Llama layout; families override what differs.</summary>
    static DecoderSettings Common(CausalLmConfig config, string source) => new()
    {
        ModelType = config.ModelType ?? "(none)",
        VocabSize = config.VocabSize,
        HiddenSize = config.HiddenSize,
        IntermediateSize = config.IntermediateSize,
        Layers = config.NumHiddenLayers,
        Heads = config.NumAttentionHeads,
        KeyValueHeads = config.KeyValueHeads,
        HeadDim = config.ResolvedHeadDim,
        HiddenAct = config.HiddenAct,
        Normalization = NormalizationKind.Rms,
        NormEps = config.RmsNormEps,
        QkvBias = false,
        OutputBias = false,
        MlpBias = false,
        Rotary = new RotarySettings(config.ResolvedHeadDim, config.RopeTheta, RopeScaling.FromConfig(config.RopeScaling, source)),
        TieWordEmbeddings = config.TieWordEmbeddings,
    };

    /// <summary>Families that rotate whole heads refuse a partial_rotary_factor rather than ignore it.</summary>
    protected static void RequireFullRotary(CausalLmConfig config, string source)
    {
        if (config.PartialRotaryFactor is { } factor && factor != 1.0)
            throw new RqaException($"{source}: partial_rotary_factor {factor} is not supported for model_type '{config.ModelType}'");
    }
}
