using System.Buffers.Binary;
using System.Text.Json;
using LocalRqa.Checkpoints;

namespace LocalRqa.Tests.Checkpoints;

/// <summary>
/// A minimal safetensors reader (8-byte header length, JSON header of dtype/shape/data_offsets, raw data) used only
/// as the independent side of a comparison; the library's own reader lives elsewhere.
/// </summary>
internal static class SafetensorsTestReader
{
    public static Dictionary<string, HostTensor> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var result = new Dictionary<string, HostTensor>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var dtype = Enum.Parse<StoredDType>(entry.Value.GetProperty("dtype").GetString()!.Replace("BOOL", "Bool"));
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            result[entry.Name] = new HostTensor(dtype, shape, bytes[(8 + headerLength + offsets[0])..(8 + headerLength + offsets[1])]);
        }
        return result;
    }
}
