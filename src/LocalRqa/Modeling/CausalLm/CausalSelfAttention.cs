using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// Causal self-attention with rotary positions and grouped-query attention (Ainslie et al. 2023): each of
/// the num_key_value_heads key/value heads serves heads / num_key_value_heads consecutive query heads.
/// HF names: `self_attn.{q,k,v,o}_proj`, and StableLM's `q_layernorm` / `k_layernorm`.
/// </summary>
internal sealed class CausalSelfAttention : nn.Module<Tensor, DecoderContext, Tensor>
{
    readonly Linear q_proj;
    readonly Linear k_proj;
    readonly Linear v_proj;
    readonly Linear o_proj;
    readonly PerHeadLayerNorm? q_layernorm;
    readonly PerHeadLayerNorm? k_layernorm;
    readonly int heads;
    readonly int keyValueHeads;
    readonly int headDim;

    public CausalSelfAttention(DecoderSettings settings) : base(nameof(CausalSelfAttention))
    {
        heads = settings.Heads;
        keyValueHeads = settings.KeyValueHeads;
        headDim = settings.HeadDim;
        q_proj = nn.Linear(settings.HiddenSize, heads * headDim, hasBias: settings.QkvBias);
        k_proj = nn.Linear(settings.HiddenSize, keyValueHeads * headDim, hasBias: settings.QkvBias);
        v_proj = nn.Linear(settings.HiddenSize, keyValueHeads * headDim, hasBias: settings.QkvBias);
        o_proj = nn.Linear(heads * headDim, settings.HiddenSize, hasBias: settings.OutputBias);
        if (settings.QkLayerNorm)
        {
            q_layernorm = new PerHeadLayerNorm(heads, headDim, settings.NormEps);
            k_layernorm = new PerHeadLayerNorm(keyValueHeads, headDim, settings.NormEps);
        }
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, H] (already normalised)</param>
    public override Tensor forward(Tensor hidden, DecoderContext context)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var length = hidden.shape[1];
        Tensor Heads(Linear projection, int count) =>
            projection.forward(hidden).view(batch, length, count, headDim).transpose(1, 2); // [B, count, T, d]
        var query = Heads(q_proj, heads);
        var key = Heads(k_proj, keyValueHeads);
        var value = Heads(v_proj, keyValueHeads);
        if (q_layernorm is not null) query = q_layernorm.forward(query);
        if (k_layernorm is not null) key = k_layernorm.forward(key);
        query = RotaryEmbedding.Apply(query, context.Cos, context.Sin);
        key = RotaryEmbedding.Apply(key, context.Cos, context.Sin);
        if (keyValueHeads < heads)
        {
            // key/value head g serves query heads g·n .. g·n + n − 1
            var perGroup = heads / keyValueHeads;
            key = key.repeat_interleave(perGroup, dim: 1); // [B, heads, T, d]
            value = value.repeat_interleave(perGroup, dim: 1);
        }
        var attended = nn.functional.scaled_dot_product_attention(query, key, value, context.AttentionBias); // [B, heads, T, d]
        var merged = attended.transpose(1, 2).reshape(batch, length, heads * headDim); // [B, T, heads·d]
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
