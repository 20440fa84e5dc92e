using static TorchSharp.torch;

namespace LocalRqa.Checkpoints;

/// <summary>
/// Strict weight loading: every parameter and buffer of the module must come from the checkpoint with the
/// right shape, and every checkpoint tensor must land somewhere, unless the name map explicitly drops it as a
/// known harmless extra. Anything else is an error naming the weights, never a silently random layer.
/// </summary>
internal static class StateDictLoader
{
    /// <param name="mapName">Checkpoint name → module name, or null for a tensor that is knowingly ignored.</param>
    /// <param name="copy">false checks names and shapes only, reading no tensor data and changing nothing (a pre-flight)</param>
    public static void Load(nn.Module module, ICheckpointSource source, Func<string, string?> mapName, bool copy = true)
    {
        var expected = module.state_dict();
        var loaded = new HashSet<string>();
        var unexpected = new List<string>();
        using var _ = no_grad();
        foreach (var name in source.Names)
        {
            var target = mapName(name);
            if (target is null) continue;
            if (!expected.TryGetValue(target, out var parameter))
            {
                unexpected.Add(name);
                continue;
            }
            if (!loaded.Add(target))
                throw new RqaException($"{source.Description}: two tensors map to '{target}' (one of them is '{name}')");
            var shape = source.Shape(name);
            if (!shape.SequenceEqual(parameter.shape))
                throw new RqaException($"{source.Description}: weight '{name}' has shape [{string.Join(", ", shape)}] but the model built from config.json needs [{string.Join(", ", parameter.shape)}]");
            if (!copy) continue;
            var host = source.Read(name);
            var floating = parameter.is_floating_point();
            if (IsFloat(host.DType) != floating)
                throw new RqaException($"{source.Description}: weight '{name}' is stored as {host.DType}, but the model needs {(floating ? "floating-point" : "integer")} values");
            using var value = ToTensor(host);
            parameter.copy_(value);
        }
        var missing = expected.Keys.Where(k => !loaded.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new RqaException($"{source.Description}: missing weights {Listing(missing)}");
        if (unexpected.Count > 0)
            throw new RqaException($"{source.Description}: unexpected weights {Listing(unexpected)} (is this the right model type?)");
    }

    /// <summary>The module's state as float32 host tensors, ready to write.</summary>
    public static Dictionary<string, HostTensor> ToHost(nn.Module module)
    {
        var result = new Dictionary<string, HostTensor>();
        foreach (var (name, tensor) in module.state_dict())
        {
            using var scope = NewDisposeScope();
            var values = tensor.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
            result[name] = HostTensor.FromFloats(values, tensor.shape);
        }
        return result;
    }

    static bool IsFloat(StoredDType dtype) => dtype is StoredDType.F32 or StoredDType.F16 or StoredDType.BF16 or StoredDType.F64;

    /// <summary>Floating-point weights as float32 (copy_ casts to the parameter's type), integers as int64.</summary>
    public static Tensor ToTensor(HostTensor host)
    {
        if (IsFloat(host.DType)) return tensor(host.ToFloats(), host.Shape);
        var values = new long[host.ElementCount];
        for (var i = 0; i < values.Length; i++)
            values[i] = host.DType switch
            {
                StoredDType.I64 => BitConverter.ToInt64(host.Data, 8 * i),
                StoredDType.I32 => BitConverter.ToInt32(host.Data, 4 * i),
                StoredDType.I16 => BitConverter.ToInt16(host.Data, 2 * i),
                StoredDType.I8 => (sbyte)host.Data[i],
                _ => host.Data[i], // U8, Bool
            };
        return tensor(values, host.Shape);
    }

    static string Listing(List<string> names) =>
        string.Join(", ", names.Take(8).Select(n => $"'{n}'")) + (names.Count > 8 ? $" and {names.Count - 8} more" : "");
}
