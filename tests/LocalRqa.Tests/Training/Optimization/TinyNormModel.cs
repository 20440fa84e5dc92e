using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Optimization;

/// <summary>Linear then LayerNorm, named like a BERT output block: dense.{weight,bias}, LayerNorm.{weight,bias}.</summary>
sealed class TinyNormModel : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;
#pragma warning disable IDE1006 // the checkpoint key: TorchSharp names a submodule after its field
    readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006

    public TinyNormModel(int inputs = 3, int outputs = 2) : base(nameof(TinyNormModel))
    {
        dense = nn.Linear(inputs, outputs);
        LayerNorm = nn.LayerNorm(outputs);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dense.forward(input)).MoveToOuterDisposeScope();
    }

    public Parameter Parameter(string name) => named_parameters().Single(np => np.name == name).parameter;

    /// <summary>Overwrites a parameter's values without recording autograd history.</summary>
    public void Set(string name, params float[] values)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameter = Parameter(name);
        parameter.copy_(tensor(values, parameter.shape));
    }

    public float[] Values(string name)
    {
        using var scope = NewDisposeScope();
        return Parameter(name).detach().contiguous().data<float>().ToArray();
    }
}
