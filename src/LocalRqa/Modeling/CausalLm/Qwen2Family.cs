namespace LocalRqa.Modeling.CausalLm;

/// <summary>Qwen2ForCausalLM: the Llama layout with biases on q, k and v (none on o or the MLP).</summary>
internal sealed class Qwen2Family : CausalLmFamily
{
    public override IReadOnlyList<string> ModelTypes => ["qwen2"];
    public override IReadOnlyList<string> Architectures => ["Qwen2ForCausalLM"];

    protected override DecoderSettings Specialize(DecoderSettings common, CausalLmConfig config, string source)
    {
        RequireFullRotary(config, source);
        // Qwen2's window applies only to layers from max_window_layers on; released checkpoints leave it off.
        if (config.UseSlidingWindow)
            throw new RqaException($"{source}: use_sliding_window is not supported for qwen2");
        return common with { QkvBias = true };
    }
}
