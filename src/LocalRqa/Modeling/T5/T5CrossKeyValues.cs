using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// The encoder output projected to keys and values by every decoder block's cross-attention. Computed once per
/// encoder output: a multi-step decode would otherwise project all passages' tokens again at every step.
/// </summary>
internal sealed class T5CrossKeyValues : IDisposable
{
    /// <summary>Per decoder block: keys and values, each [B, h, S, d_kv].</summary>
    public IReadOnlyList<(Tensor Keys, Tensor Values)> Layers { get; }

    public T5CrossKeyValues(IReadOnlyList<(Tensor Keys, Tensor Values)> layers) => Layers = layers;

    public void Dispose()
    {
        foreach (var (keys, values) in Layers)
        {
            keys.Dispose();
            values.Dispose();
        }
    }
}
