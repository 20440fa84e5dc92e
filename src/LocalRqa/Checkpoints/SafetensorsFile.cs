using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalRqa.Files;

namespace LocalRqa.Checkpoints;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// {dtype, shape, data_offsets: [begin, end]} (offsets relative to the end of the header) plus an optional
/// "__metadata__" string map, then the raw little-endian data.
/// </summary>
internal sealed class SafetensorsFile : ICheckpointSource
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
        try { root = JsonNode.Parse(header) as JsonObject ?? throw Corrupt(path, "header is not a JSON object"); }
        catch (JsonException e) { throw Corrupt(path, "header is not valid JSON: " + e.Message); }

        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;
        var entries = new Dictionary<string, Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                if (node is not JsonObject map) throw Corrupt(path, "__metadata__ is not an object");
                foreach (var (key, value) in map) metadata[key] = value?.ToString() ?? "";
                continue;
            }
            entries[name] = ParseEntry(path, name, node, dataLength);
        }
        // The format requires the tensors to tile the data area exactly: no gaps, no overlaps.
        long expectedBegin = 0;
        foreach (var entry in entries.Values.OrderBy(e => e.Begin))
        {
            if (entry.Begin != expectedBegin)
                throw Corrupt(path, $"tensor data is not contiguous at byte {entry.Begin} (expected {expectedBegin})");
            expectedBegin = entry.End;
        }
        return new SafetensorsFile(path, dataStart, entries, metadata);
    }

    static Entry ParseEntry(string path, string name, JsonNode? node, long dataLength)
    {
        if (node is not JsonObject obj) throw Corrupt(path, $"tensor '{name}' is not an object");
        var dtypeName = obj["dtype"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : throw Corrupt(path, $"tensor '{name}' has no dtype");
        var dtype = ParseDType(dtypeName) ?? throw Corrupt(path, $"tensor '{name}' has dtype {dtypeName}, which rqa does not read");
        var shape = Longs(obj["shape"]) ?? throw Corrupt(path, $"tensor '{name}' has no valid shape");
        var offsets = Longs(obj["data_offsets"]);
        if (offsets is not { Length: 2 } || offsets[0] < 0 || offsets[1] < offsets[0] || shape.Any(x => x < 0))
            throw Corrupt(path, $"tensor '{name}' has invalid data_offsets or shape");
        long expected;
        try { expected = checked(shape.Aggregate(1L, (a, b) => a * b) * HostTensor.ElementSize(dtype)); }
        catch (OverflowException) { throw Corrupt(path, $"tensor '{name}' has an impossible shape"); }
        if (offsets[1] - offsets[0] != expected)
            throw Corrupt(path, $"tensor '{name}' has {offsets[1] - offsets[0]} bytes but shape [{string.Join(", ", shape)}] needs {expected}");
        if (offsets[1] > dataLength)
            throw Corrupt(path, $"tensor '{name}' ends at byte {offsets[1]} but the file holds {dataLength} data bytes (truncated?)");
        return new Entry(dtype, shape, offsets[0], offsets[1]);
    }

    static long[]? Longs(JsonNode? node) =>
        node is JsonArray array && array.All(v => v is JsonValue x && x.TryGetValue<long>(out _))
            ? array.Select(v => v!.GetValue<long>()).ToArray()
            : null;

    public long[] Shape(string name) => Find(name).Shape;

    public HostTensor Read(string name)
    {
        var entry = Find(name);
        if (entry.End - entry.Begin > Array.MaxLength)
            throw new RqaException($"{path}: tensor '{name}' is larger than 2 GB, which rqa does not load");
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

    static StoredDType? ParseDType(string name) => name switch
    {
        "F32" => StoredDType.F32, "F16" => StoredDType.F16, "BF16" => StoredDType.BF16, "F64" => StoredDType.F64,
        "I64" => StoredDType.I64, "I32" => StoredDType.I32, "I16" => StoredDType.I16, "I8" => StoredDType.I8,
        "U8" => StoredDType.U8, "BOOL" => StoredDType.Bool,
        _ => null,
    };

    static RqaException Corrupt(string path, string why) => new($"{path}: not a valid safetensors file: {why}");
}
