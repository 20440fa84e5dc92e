using TorchSharp;
using static TorchSharp.torch;

namespace LocalRqa.Checkpoints;

/// <summary>
/// Strict weight loading: every parameter and buffer of the module must come from the checkpoint with the
/// right shape, and every checkpoint tensor must land somewhere, unless the name map explicitly drops it as a
/// known harmless extra. Anything else is an error naming the weights, never a silently random layer.
/// </summary>
public static class StateDictLoader
{
    /// <param name="mapName">Checkpoint name → module name, or null for a tensor that is knowingly ignored.</param>
    public static void Load(nn.Module module, ICheckpointSource source, Func<string, string?> mapName)
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
            var host = source.Read(name);
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

    public static Tensor ToTensor(HostTensor host) => host.DType switch
    {
        StoredDType.I64 => tensor(MemoryMarshalLongs(host.Data), host.Shape),
        _ => tensor(host.ToFloats(), host.Shape),
    };

    static long[] MemoryMarshalLongs(byte[] data)
    {
        var values = new long[data.Length / 8];
        Buffer.BlockCopy(data, 0, values, 0, data.Length);
        return values;
    }

    static string Listing(List<string> names) =>
        string.Join(", ", names.Take(8).Select(n => $"'{n}'")) + (names.Count > 8 ? $" and {names.Count - 8} more" : "");
}
