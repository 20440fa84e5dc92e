namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// StableLmForCausalLM: LayerNorm with bias, rotary over the first head_dim × partial_rotary_factor dimensions
/// of each head, optional q/k/v biases (use_qkv_bias), optional per-head q/k LayerNorm (qk_layernorm) and
/// optional parallel residual (use_parallel_residual); o_proj and the MLP carry no bias.
/// </summary>
internal sealed class StableLmFamily : CausalLmFamily
{
    public override IReadOnlyList<string> ModelTypes => ["stablelm"];
    public override IReadOnlyList<string> Architectures => ["StableLmForCausalLM"];

    protected override DecoderSettings Specialize(DecoderSettings common, CausalLmConfig config, string source)
    {
        var factor = config.PartialRotaryFactor ?? 0.25;
        if (factor is <= 0 or > 1)
            throw new RqaException($"{source}: partial_rotary_factor must be in (0, 1], got {factor}");
        return common with
        {
            Normalization = NormalizationKind.LayerNorm,
            NormEps = config.LayerNormEps,
            QkvBias = config.UseQkvBias,
            Rotary = common.Rotary with { Dims = (int)(common.HeadDim * factor) },
            QkLayerNorm = config.QkLayerNorm,
            ParallelResidual = config.UseParallelResidual,
        };
    }
}
