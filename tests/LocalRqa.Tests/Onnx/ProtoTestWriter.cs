using System.Buffers.Binary;
using System.Text;
using LocalRqa.Onnx;

namespace LocalRqa.Tests.Onnx;

/// <summary>Builds protobuf wire bytes by hand for reader tests.</summary>
internal sealed class ProtoTestWriter
{
    private readonly MemoryStream bytes = new();

    public byte[] ToArray() => bytes.ToArray();

    public ProtoTestWriter Tag(int field, ProtoWireType wire) => RawVarint(((ulong)field << 3) | (ulong)wire);

    public ProtoTestWriter RawVarint(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.WriteByte(value != 0 ? (byte)(b | 0x80) : b);
        } while (value != 0);
        return this;
    }

    public ProtoTestWriter Varint(int field, long value) => Tag(field, ProtoWireType.Varint).RawVarint(unchecked((ulong)value));

    public ProtoTestWriter Fixed32(int field, uint value)
    {
        Tag(field, ProtoWireType.Fixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        bytes.Write(b);
        return this;
    }

    public ProtoTestWriter Fixed64(int field, ulong value)
    {
        Tag(field, ProtoWireType.Fixed64);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        bytes.Write(b);
        return this;
    }

    public ProtoTestWriter Float(int field, float value) => Fixed32(field, BitConverter.SingleToUInt32Bits(value));

    public ProtoTestWriter Bytes(int field, byte[] value)
    {
        Tag(field, ProtoWireType.LengthDelimited).RawVarint((ulong)value.Length);
        bytes.Write(value);
        return this;
    }

    public ProtoTestWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoTestWriter Message(int field, Action<ProtoTestWriter> build)
    {
        var inner = new ProtoTestWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    public ProtoTestWriter PackedVarints(int field, params long[] values)
    {
        var inner = new ProtoTestWriter();
        foreach (var v in values) inner.RawVarint(unchecked((ulong)v));
        return Bytes(field, inner.ToArray());
    }

    public ProtoTestWriter PackedFloats(int field, params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return Bytes(field, data);
    }
}
