using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>The original T5 feed-forward (feed_forward_proj "relu" etc.): wo(dropout(act(wi x))), no biases.</summary>
internal sealed class T5DenseActDense : nn.Module<Tensor, Tensor>
{
    readonly Linear wi;
    readonly Linear wo;
    readonly Dropout dropout;
    readonly Func<Tensor, Tensor> activation;

    public T5DenseActDense(T5Config config) : base(nameof(T5DenseActDense))
    {
        wi = nn.Linear(config.DModel, config.DFf, hasBias: false);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false);
        dropout = nn.Dropout(config.DropoutRate);
        activation = Activations.Get(config.DenseActFn);
        RegisterComponents();
    }

    /// <param name="hidden">[B, T, d_model]</param>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return wo.forward(dropout.forward(activation(wi.forward(hidden)))).MoveToOuterDisposeScope();
    }
}
