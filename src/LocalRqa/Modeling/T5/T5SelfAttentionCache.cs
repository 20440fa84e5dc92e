using static TorchSharp.torch;

namespace LocalRqa.Modeling.T5;

/// <summary>
/// The decoder's self-attention keys and values of the positions decoded so far, per block, so that each
/// greedy step runs the decoder on the new token only instead of the whole prefix. It owns its tensors (they
/// live outside every dispose scope) and frees them on Dispose.
/// </summary>
internal sealed class T5SelfAttentionCache : IDisposable
{
    readonly (Tensor Keys, Tensor Values)?[] layers;

    /// <summary>Decoder positions already cached: the position of the next query.</summary>
    public long Length { get; private set; }

    public T5SelfAttentionCache(int blockCount) => layers = new (Tensor, Tensor)?[blockCount];

    /// <summary>Appends a block's keys and values of the new positions, each [B, h, n, d_kv].</summary>
    /// <returns>all keys and values of that block, [B, h, Length + n, d_kv]; owned by the cache</returns>
    public (Tensor Keys, Tensor Values) Append(int block, Tensor keys, Tensor values)
    {
        using var scope = NewDisposeScope();
        var previous = layers[block];
        var all = previous is { } old
            ? (cat([old.Keys, keys], 2).DetachFromDisposeScope(), cat([old.Values, values], 2).DetachFromDisposeScope())
            : (keys.alias().DetachFromDisposeScope(), values.alias().DetachFromDisposeScope());
        layers[block] = all;
        if (previous is { } replaced)
        {
            replaced.Keys.Dispose();
            replaced.Values.Dispose();
        }
        return all;
    }

    /// <summary>Called once all blocks have appended a step's n positions.</summary>
    public void Advance(long positions) => Length += positions;

    public void Dispose()
    {
        foreach (var layer in layers)
        {
            layer?.Keys.Dispose();
            layer?.Values.Dispose();
        }
        Array.Clear(layers);
    }
}
