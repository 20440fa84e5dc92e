namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// LlamaForCausalLM (Llama 2/3, TinyLlama, SmolLM) and MistralForCausalLM: RMSNorm, rotary over whole heads,
/// grouped-query attention, SiLU-gated MLP; attention_bias puts biases on q, k, v and o; mlp_bias on the MLP.
/// Mistral adds a sliding attention window.
/// </summary>
internal sealed class LlamaFamily : CausalLmFamily
{
    public override IReadOnlyList<string> ModelTypes => ["llama", "mistral"];
    public override IReadOnlyList<string> Architectures => ["LlamaForCausalLM", "MistralForCausalLM"];

    protected override DecoderSettings Specialize(DecoderSettings common, CausalLmConfig config, string source)
    {
        RequireFullRotary(config, source);
        return common with
        {
            QkvBias = config.AttentionBias,
            OutputBias = config.AttentionBias,
            MlpBias = config.MlpBias,
            SlidingWindow = config.ModelType == "mistral" ? config.SlidingWindow : null,
        };
    }
}
