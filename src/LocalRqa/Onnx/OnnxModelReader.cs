using System.Buffers.Binary;

namespace LocalRqa.Onnx;

/// <summary>
/// Parses the subset of onnx.proto needed to recover weights (field numbers from onnx/onnx.proto):
/// ModelProto{1 ir_version, 2 producer_name, 3 producer_version, 7 graph},
/// GraphProto{1 node, 2 name, 5 initializer, 11 input, 12 output},
/// NodeProto{1 input, 2 output, 3 name, 4 op_type, 5 attribute, 7 domain},
/// AttributeProto{1 name, 2 f, 3 i, 4 s, 5 t, 7 floats, 8 ints, 20 type},
/// TensorProto{1 dims, 2 data_type, 4 float_data, 5 int32_data, 7 int64_data, 8 name, 9 raw_data,
/// 10 double_data, 14 data_location}, ValueInfoProto{1 name}. Everything else is skipped.
/// </summary>
internal static class OnnxModelReader
{
    public static OnnxModel Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, stream.Length);
    }

    /// <summary>Reads a model occupying the next <paramref name="length"/> bytes of <paramref name="stream"/>.</summary>
    public static OnnxModel Read(Stream stream, long length)
    {
        var reader = new ProtoReader(stream, length);
        long irVersion = 0;
        string producer = "", producerVersion = "";
        OnnxGraph? graph = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoWireType.Varint): irVersion = reader.ReadInt64(); break;
                case (2, ProtoWireType.LengthDelimited): producer = reader.ReadString(); break;
                case (3, ProtoWireType.LengthDelimited): producerVersion = reader.ReadString(); break;
                case (7, ProtoWireType.LengthDelimited):
                    reader.PushLimit(reader.ReadLength());
                    graph = ReadGraph(reader);
                    reader.PopLimit();
                    break;
                default: reader.SkipField(wire); break;
            }
        }
        return new OnnxModel(irVersion, producer, producerVersion,
            graph ?? throw new InvalidDataException("ONNX model has no graph"));
    }

    private static OnnxGraph ReadGraph(ProtoReader reader)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        var name = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoWireType.LengthDelimited): nodes.Add(Nested(reader, ReadNode)); break;
                case (2, ProtoWireType.LengthDelimited): name = reader.ReadString(); break;
                case (5, ProtoWireType.LengthDelimited): initializers.Add(Nested(reader, ReadTensor)); break;
                case (11, ProtoWireType.LengthDelimited): inputs.Add(Nested(reader, ReadValueInfoName)); break;
                case (12, ProtoWireType.LengthDelimited): outputs.Add(Nested(reader, ReadValueInfoName)); break;
                default: reader.SkipField(wire); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static T Nested<T>(ProtoReader reader, Func<ProtoReader, T> read)
    {
        reader.PushLimit(reader.ReadLength());
        var value = read(reader);
        reader.PopLimit();
        return value;
    }

    private static string ReadValueInfoName(ProtoReader reader)
    {
        var name = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == ProtoWireType.LengthDelimited) name = reader.ReadString();
            else reader.SkipField(wire);
        }
        return name;
    }

    private static OnnxNode ReadNode(ProtoReader reader)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string name = "", opType = "", domain = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoWireType.LengthDelimited): inputs.Add(reader.ReadString()); break;
                case (2, ProtoWireType.LengthDelimited): outputs.Add(reader.ReadString()); break;
                case (3, ProtoWireType.LengthDelimited): name = reader.ReadString(); break;
                case (4, ProtoWireType.LengthDelimited): opType = reader.ReadString(); break;
                case (5, ProtoWireType.LengthDelimited): attributes.Add(Nested(reader, ReadAttribute)); break;
                case (7, ProtoWireType.LengthDelimited): domain = reader.ReadString(); break;
                default: reader.SkipField(wire); break;
            }
        }
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(ProtoReader reader)
    {
        string name = "";
        var type = 0;
        float? f = null;
        long? i = null;
        byte[]? s = null;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoWireType.LengthDelimited): name = reader.ReadString(); break;
                case (20, ProtoWireType.Varint): type = reader.ReadInt32(); break;
                case (2, ProtoWireType.Fixed32): f = reader.ReadFloat(); break;
                case (3, ProtoWireType.Varint): i = reader.ReadInt64(); break;
                case (4, ProtoWireType.LengthDelimited): s = reader.ReadBytes(); break;
                case (5, ProtoWireType.LengthDelimited): t = Nested(reader, ReadTensor); break;
                case (7, _): ReadRepeated(reader, wire, ProtoWireType.Fixed32, () => floats.Add(reader.ReadFloat())); break;
                case (8, _): ReadRepeated(reader, wire, ProtoWireType.Varint, () => ints.Add(reader.ReadInt64())); break;
                default: reader.SkipField(wire); break;
            }
        }
        return new OnnxAttribute(name, type, f, i, s, t, floats, ints);
    }

    /// <summary>
    /// Reads one occurrence of a repeated scalar field, which writers may emit packed (one length-delimited
    /// run) or unpacked (one tag per element); parsers must accept both.
    /// </summary>
    private static void ReadRepeated(ProtoReader reader, ProtoWireType wire, ProtoWireType elementWire, Action readOne)
    {
        if (wire == ProtoWireType.LengthDelimited)
        {
            reader.PushLimit(reader.ReadLength());
            while (reader.Remaining > 0) readOne();
            reader.PopLimit();
        }
        else if (wire == elementWire)
        {
            readOne();
        }
        else
        {
            throw new InvalidDataException($"corrupt protobuf data: repeated field with wire type {wire}");
        }
    }

    private static OnnxTensor ReadTensor(ProtoReader reader)
    {
        var dims = new List<long>();
        var dataType = OnnxDataType.Undefined;
        string name = "";
        byte[]? raw = null;
        List<float>? floats = null;
        List<int>? int32s = null;
        List<long>? int64s = null;
        List<double>? doubles = null;
        var external = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, _): ReadRepeated(reader, wire, ProtoWireType.Varint, () => dims.Add(reader.ReadInt64())); break;
                case (2, ProtoWireType.Varint): dataType = (OnnxDataType)reader.ReadInt32(); break;
                case (4, _):
                    floats ??= [];
                    ReadRepeated(reader, wire, ProtoWireType.Fixed32, () => floats.Add(reader.ReadFloat()));
                    break;
                case (5, _):
                    int32s ??= [];
                    ReadRepeated(reader, wire, ProtoWireType.Varint, () => int32s.Add(reader.ReadInt32()));
                    break;
                case (7, _):
                    int64s ??= [];
                    ReadRepeated(reader, wire, ProtoWireType.Varint, () => int64s.Add(reader.ReadInt64()));
                    break;
                case (8, ProtoWireType.LengthDelimited): name = reader.ReadString(); break;
                case (9, ProtoWireType.LengthDelimited):
                    // The weights: read once, straight into the array the tensor keeps.
                    raw = new byte[checked((int)reader.ReadLength())];
                    reader.ReadBytesInto(raw);
                    break;
                case (10, _):
                    doubles ??= [];
                    ReadRepeated(reader, wire, ProtoWireType.Fixed64, () => doubles.Add(reader.ReadDouble()));
                    break;
                case (14, ProtoWireType.Varint): external = reader.ReadInt32() == 1; break;
                default: reader.SkipField(wire); break;
            }
        }
        if (external) throw new InvalidDataException($"ONNX tensor '{name}' keeps its data in an external file, which is not supported");
        var data = raw ?? TypedData(name, dataType, floats, int32s, int64s, doubles);
        var tensor = new OnnxTensor(name, dataType, dims.ToArray(), data);
        var size = ElementSize(dataType);
        if (size > 0 && tensor.ElementCount * size != data.Length)
            throw new InvalidDataException($"ONNX tensor '{name}' has {data.Length} data bytes for shape {tensor.ShapeText} of {dataType}");
        return tensor;
    }

    private static byte[] TypedData(string name, OnnxDataType type, List<float>? floats, List<int>? int32s, List<long>? int64s, List<double>? doubles)
    {
        switch (type)
        {
            case OnnxDataType.Float:
                return ToBytes<float>(floats ?? []);
            case OnnxDataType.Double:
                return ToBytes<double>(doubles ?? []);
            case OnnxDataType.Int64:
                return ToBytes<long>(int64s ?? []);
            case OnnxDataType.Int32:
                return ToBytes<int>(int32s ?? []);
            case OnnxDataType.Int16 or OnnxDataType.UInt16 or OnnxDataType.Float16 or OnnxDataType.BFloat16:
            {
                // onnx.proto stores these 16-bit types as bit patterns in int32_data.
                var src = int32s ?? [];
                var bytes = new byte[src.Count * 2];
                for (var k = 0; k < src.Count; k++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * k), unchecked((ushort)src[k]));
                return bytes;
            }
            case OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool:
                return (int32s ?? []).Select(v => unchecked((byte)v)).ToArray();
            default:
                throw new InvalidDataException($"ONNX tensor '{name}' of type {type} has no raw_data");
        }
    }

    private static byte[] ToBytes<T>(List<T> values) where T : unmanaged
    {
        // Host is little-endian (.NET on x64/arm64), matching raw_data's byte order.
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)).ToArray();
    }

    private static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 8,
        OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Int16 or OnnxDataType.UInt16 => 2,
        OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool => 1,
        OnnxDataType.Complex128 => 16,
        _ => 0,
    };
}
