using LocalRqa.Checkpoints;

namespace LocalRqa.Onnx;

/// <summary>
/// A module's state dict as graph weights, each added under its parameter name (with <c>prefix</c>) when first
/// used. <see cref="RequireAllUsed"/> then proves the graph reads every parameter: a weight the export forgot
/// would otherwise give a model that loads and runs, wrongly.
/// </summary>
internal sealed class GraphWeights(OnnxGraphBuilder graph, IReadOnlyDictionary<string, HostTensor> state, string prefix = "")
{
    readonly Dictionary<string, string> added = new(StringComparer.Ordinal);

    /// <summary>An embedding table [rows, H], as stored.</summary>
    public string Table(string name) => Add(name, rank: 2, transpose: false);

    /// <summary>A bias or LayerNorm scale [n], as stored.</summary>
    public string Vector(string name) => Add(name, rank: 1, transpose: false);

    /// <summary>A Linear weight [out, in] as [in, out], the right operand of x·Wᵀ.</summary>
    public string Transposed(string name) => Add(name, rank: 2, transpose: true);

    /// <summary>
    /// Several Linear weights [out_i, in] side by side as one [in, Σ out_i] matrix (a fused projection such as
    /// ONNX Runtime's Attention's query, key and value weights), added under <paramref name="graphName"/>.
    /// </summary>
    public string TransposedSideBySide(string graphName, params string[] names)
    {
        var parts = names.Select(n => Take(n, rank: 2)).ToList();
        var inputs = parts[0].Shape[1];
        if (parts.Any(p => p.Shape[1] != inputs)) throw new InvalidOperationException($"{string.Join(", ", names)}: different input sizes");
        var columns = parts.Sum(p => p.Shape[0]);
        var result = new float[inputs * columns];
        long offset = 0;
        foreach (var part in parts)
        {
            var values = part.ToFloats();
            long rows = part.Shape[0];
            for (long r = 0; r < rows; r++)
                for (long c = 0; c < inputs; c++)
                    result[c * columns + offset + r] = values[r * inputs + c];
            offset += rows;
        }
        return graph.Weight(prefix + graphName, result, inputs, columns);
    }

    /// <summary>Several vectors [n_i] end to end as one [Σ n_i] (the biases of a fused projection).</summary>
    public string Concatenated(string graphName, params string[] names) =>
        graph.Weight(prefix + graphName, names.SelectMany(n => Take(n, rank: 1).ToFloats()).ToArray(), names.Sum(n => state[n].Shape[0]));

    /// <summary>A parameter for a combined weight: marked used, with its rank checked.</summary>
    HostTensor Take(string name, int rank)
    {
        if (!state.TryGetValue(name, out var tensor)) throw new InvalidOperationException($"the model has no parameter {name}");
        if (tensor.Shape.Length != rank) throw new InvalidOperationException($"{name}: expected rank {rank}, got [{string.Join(", ", tensor.Shape)}]");
        added[name] = prefix + name;
        return tensor;
    }

    public void RequireAllUsed(string? except)
    {
        var unused = state.Keys.Where(k => !added.ContainsKey(k) && (except is null || !k.StartsWith(except, StringComparison.Ordinal))).ToList();
        if (unused.Count > 0) throw new InvalidOperationException($"the ONNX graph does not use the parameters {string.Join(", ", unused)}");
    }

    string Add(string name, int rank, bool transpose)
    {
        if (added.TryGetValue(name, out var existing)) return existing;
        if (!state.TryGetValue(name, out var tensor)) throw new InvalidOperationException($"the model has no parameter {name}");
        if (tensor.Shape.Length != rank) throw new InvalidOperationException($"{name}: expected rank {rank}, got [{string.Join(", ", tensor.Shape)}]");
        var values = tensor.ToFloats();
        var graphName = prefix + name;
        if (!transpose) return added[name] = graph.Weight(graphName, values, tensor.Shape);
        long rows = tensor.Shape[0], columns = tensor.Shape[1];
        var transposed = new float[values.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++)
                transposed[c * rows + r] = values[r * columns + c];
        return added[name] = graph.Weight(graphName + ".T", transposed, columns, rows);
    }
}
