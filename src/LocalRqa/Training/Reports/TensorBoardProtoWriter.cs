using System.Buffers.Binary;
using System.Text;

namespace LocalRqa.Training.Reports;

/// <summary>
/// The few protobuf wire-format encodings TensorBoard's Event/Summary messages need: varint (wire type 0),
/// fixed64 double (1), length-delimited strings and nested messages (2) and fixed32 float (5).
/// </summary>
internal sealed class TensorBoardProtoWriter
{
    const int WireVarint = 0;
    const int WireFixed64 = 1;
    const int WireLengthDelimited = 2;
    const int WireFixed32 = 5;

    readonly MemoryStream buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => buffer.ToArray();

    /// <summary>A <c>double</c> field.</summary>
    public TensorBoardProtoWriter Double(int field, double value)
    {
        Tag(field, WireFixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        buffer.Write(bytes);
        return this;
    }

    /// <summary>A <c>float</c> field.</summary>
    public TensorBoardProtoWriter Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
        return this;
    }

    /// <summary>An <c>int64</c> field (negative values take ten bytes, as protobuf specifies).</summary>
    public TensorBoardProtoWriter Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A <c>string</c> field, UTF-8 encoded.</summary>
    public TensorBoardProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A <c>bytes</c> field or an embedded message already encoded.</summary>
    public TensorBoardProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        buffer.Write(value);
        return this;
    }

    void Tag(int field, int wireType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        Varint(((ulong)(uint)field << 3) | (uint)wireType);
    }

    void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
