namespace LocalRqa.Modeling.CausalLm;

/// <summary>The normalisation a decoder family uses before attention, before the MLP and at the end.</summary>
internal enum NormalizationKind
{
    /// <summary>RMSNorm (Zhang &amp; Sennrich 2019), weight only, computed in float32 as Llama does.</summary>
    Rms,
    /// <summary>LayerNorm with weight and bias (StableLM).</summary>
    LayerNorm,
}
