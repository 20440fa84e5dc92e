using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalRqa.Checkpoints;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// {dtype, shape, data_offsets: [begin, end]} (offsets relative to the end of the header) plus an optional
/// "__metadata__" string map, then the raw little-endian data.
/// </summary>
public sealed class SafetensorsFile : ICheckpointSource
{
    readonly string path;
    readonly long dataStart;
    readonly Dictionary<string, Entry> entries;

    sealed record Entry(StoredDType DType, long[] Shape, long Begin, long End);

    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IEnumerable<string> Names => entries.Keys;
    public string Description => path;

    SafetensorsFile(string path, long dataStart, Dictionary<string, Entry> entries, Dictionary<string, string> metadata)
    {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        Metadata = metadata;
    }

    /// <summary>Reads and validates the header; tensor data is read on demand.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Read(lengthBytes) != 8) throw Corrupt(path, "shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > 100_000_000 || (long)headerLength > fileLength - 8)
            throw Corrupt(path, $"header length {headerLength} does not fit a file of {fileLength} bytes");
        var header = new byte[headerLength];
        stream.ReadExactly(header);

        JsonObject root;
        try { root = JsonNode.Parse(header)?.AsObject() ?? throw Corrupt(path, "empty header"); }
        catch (JsonException e) { throw Corrupt(path, "header is not valid JSON: " + e.Message); }

        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;
        var entries = new Dictionary<string, Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node?.AsObject() ?? new JsonObject()) metadata[key] = value?.ToString() ?? "";
                continue;
            }
            try
            {
                var obj = node!.AsObject();
                var dtype = ParseDType(obj["dtype"]!.GetValue<string>());
                var shape = obj["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = obj["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                    throw Corrupt(path, $"tensor '{name}' has invalid data_offsets");
                var expected = shape.Aggregate(1L, (a, b) => a * b) * HostTensor.ElementSize(dtype);
                if (offsets[1] - offsets[0] != expected)
                    throw Corrupt(path, $"tensor '{name}' has {offsets[1] - offsets[0]} bytes but shape [{string.Join(", ", shape)}] needs {expected}");
                if (offsets[1] > dataLength)
                    throw Corrupt(path, $"tensor '{name}' ends at byte {offsets[1]} but the file holds {dataLength} data bytes (truncated?)");
                entries[name] = new Entry(dtype, shape, offsets[0], offsets[1]);
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or JsonException)
            {
                throw Corrupt(path, $"tensor '{name}' has a malformed header entry");
            }
        }
        return new SafetensorsFile(path, dataStart, entries, metadata);
    }

    public long[] Shape(string name) => Find(name).Shape;

    public HostTensor Read(string name)
    {
        var entry = Find(name);
        var data = new byte[entry.End - entry.Begin];
        using var stream = File.OpenRead(path);
        stream.Position = dataStart + entry.Begin;
        stream.ReadExactly(data);
        return new HostTensor(entry.DType, entry.Shape, data);
    }

    Entry Find(string name) =>
        entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{path} has no tensor '{name}'");

    /// <summary>Writes tensors in name order, atomically: a temporary sibling file renamed into place.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, HostTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, tensor) in ordered)
        {
            var size = tensor.Data.LongLength;
            if (size != tensor.ElementCount * HostTensor.ElementSize(tensor.DType))
                throw new ArgumentException($"tensor '{name}' has {size} bytes for shape [{string.Join(", ", tensor.Shape)}]");
            header[name] = new JsonObject
            {
                ["dtype"] = tensor.DType.ToString().ToUpperInvariant(),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + size)),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        var padded = (headerBytes.Length + 7) / 8 * 8;
        var headerBlock = new byte[padded];
        Array.Fill(headerBlock, (byte)' ');
        headerBytes.CopyTo(headerBlock, 0);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBlock);
            foreach (var (_, tensor) in ordered) stream.Write(tensor.Data);
        });
    }

    static StoredDType ParseDType(string name) => name switch
    {
        "F32" => StoredDType.F32, "F16" => StoredDType.F16, "BF16" => StoredDType.BF16, "F64" => StoredDType.F64,
        "I64" => StoredDType.I64, "I32" => StoredDType.I32, "I16" => StoredDType.I16, "I8" => StoredDType.I8,
        "U8" => StoredDType.U8, "BOOL" => StoredDType.Bool,
        _ => throw new FormatException($"unsupported dtype {name}"),
    };

    static RqaException Corrupt(string path, string why) => new($"{path}: not a valid safetensors file: {why}");
}
