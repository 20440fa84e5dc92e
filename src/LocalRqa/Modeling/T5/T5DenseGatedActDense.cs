using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// The gated feed-forward of T5 v1.1 / Flan-T5 (feed_forward_proj "gated-ACT"; Shazeer 2020, GLU variants):
/// wo(dropout(act(wi_0 x) ⊙ wi_1 x)), no biases.
/// </summary>
internal sealed class T5DenseGatedActDense : nn.Module<Tensor, Tensor>
{
    readonly Linear wi_0;
    readonly Linear wi_1;
    readonly Linear wo;
    readonly Dropout dropout;
    readonly Func<Tensor, Tensor> activation;

    public T5DenseGatedActDense(T5Config config) : base(nameof(T5DenseGatedActDense))
    {
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        dropout = nn.Dropout(config.DropoutRate);
        activation = Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, d_model]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gated = activation(wi_0.forward(hidden)) * wi_1.forward(hidden); // [B, T, d_ff]
        return wo.forward(dropout.forward(gated)).MoveToOuterDisposeScope();
    }
}
