using static TorchSharp.torch;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// One pre-norm decoder block (HF `model.layers.{i}`): h = x + attn(norm₁(x)); out = h + mlp(norm₂(h)).
/// With a parallel residual (StableLM's use_parallel_residual) there is no second norm:
/// out = x + attn(norm₁(x)) + mlp(norm₁(x)).
/// </summary>
internal sealed class DecoderLayer : nn.Module<Tensor, DecoderContext, Tensor>
{
    readonly nn.Module<Tensor, Tensor> input_layernorm;
    readonly CausalSelfAttention self_attn;
    readonly nn.Module<Tensor, Tensor>? post_attention_layernorm;
    readonly GatedMlp mlp;

    public DecoderLayer(DecoderSettings settings) : base(nameof(DecoderLayer))
    {
        input_layernorm = Normalizations.Create(settings);
        self_attn = new CausalSelfAttention(settings);
        if (!settings.ParallelResidual) post_attention_layernorm = Normalizations.Create(settings);
        mlp = new GatedMlp(settings);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, H] → [B, T, H]</param>
    public override Tensor forward(Tensor hidden, DecoderContext context)
    {
        using var scope = NewDisposeScope();
        var normalised = input_layernorm.forward(hidden);
        var attended = self_attn.forward(normalised, context);
        Tensor output;
        if (post_attention_layernorm is null)
        {
            output = hidden + attended + mlp.forward(normalised);
        }
        else
        {
            var middle = hidden + attended;
            output = middle + mlp.forward(post_attention_layernorm.forward(middle));
        }
        return output.MoveToOuterDisposeScope();
    }
}
