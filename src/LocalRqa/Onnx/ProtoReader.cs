using System.Buffers.Binary;
using System.Text;

namespace LocalRqa.Onnx;

/// <summary>
/// A forward-only protobuf wire-format reader over a stream. Nested messages are entered with
/// <see cref="PushLimit"/> instead of being read into memory, so a 90 MB ONNX graph is never buffered whole
/// and large byte fields can be read straight into their final array (<see cref="ReadBytesInto"/>).
/// </summary>
internal sealed class ProtoReader
{
    private readonly Stream stream;
    private readonly byte[] buffer = new byte[64 * 1024];
    private int bufferPos;
    private int bufferLen;
    private long position; // bytes consumed since construction
    private long limit;
    private readonly long total;
    private readonly Stack<long> outerLimits = new();

    /// <summary>Reads <paramref name="length"/> bytes of <paramref name="stream"/> from its current position.</summary>
    public ProtoReader(Stream stream, long length)
    {
        this.stream = stream;
        limit = length;
        total = length;
    }

    public ProtoReader(byte[] data) : this(new MemoryStream(data, writable: false), data.Length) { }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => position;

    /// <summary>Bytes left before the innermost limit.</summary>
    public long Remaining => limit - position;

    /// <summary>Restricts reading to the next <paramref name="length"/> bytes (a nested message).</summary>
    public void PushLimit(long length)
    {
        if (length < 0 || length > Remaining) throw Corrupt($"nested length {length} exceeds the {Remaining} bytes left");
        outerLimits.Push(limit);
        limit = position + length;
    }

    /// <summary>Skips whatever is left of the current nested message and restores the outer limit.</summary>
    public void PopLimit()
    {
        if (outerLimits.Count == 0) throw new InvalidOperationException("PopLimit without PushLimit");
        Skip(Remaining);
        limit = outerLimits.Pop();
    }

    /// <summary>Reads the next field tag; false at the end of the current message.</summary>
    public bool TryReadTag(out int field, out ProtoWireType wireType)
    {
        if (Remaining <= 0)
        {
            field = 0;
            wireType = default;
            return false;
        }
        var tag = ReadVarint();
        field = checked((int)(tag >> 3));
        wireType = (ProtoWireType)(tag & 7);
        if (field == 0) throw Corrupt("field number 0");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Corrupt("varint longer than 10 bytes");
    }

    /// <summary>An int64/int32 field: negative values are sign-extended 10-byte varints.</summary>
    public long ReadInt64() => unchecked((long)ReadVarint());

    public int ReadInt32() => unchecked((int)ReadVarint());

    public uint ReadFixed32()
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong ReadFixed64()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public float ReadFloat() => BitConverter.Int32BitsToSingle(unchecked((int)ReadFixed32()));

    public double ReadDouble() => BitConverter.Int64BitsToDouble(unchecked((long)ReadFixed64()));

    /// <summary>Reads the length prefix of a length-delimited field and checks it fits.</summary>
    public long ReadLength()
    {
        var length = ReadVarint();
        if (length > (ulong)Remaining) throw Corrupt($"field length {length} exceeds the {Remaining} bytes left");
        return (long)length;
    }

    public byte[] ReadBytes()
    {
        var bytes = new byte[checked((int)ReadLength())];
        ReadExactly(bytes);
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads a length-delimited field's payload, whose length was already read, into a caller's array.</summary>
    public void ReadBytesInto(Span<byte> destination) => ReadExactly(destination);

    /// <summary>Skips the value of a field of the given wire type.</summary>
    public void SkipField(ProtoWireType wireType)
    {
        switch (wireType)
        {
            case ProtoWireType.Varint: ReadVarint(); break;
            case ProtoWireType.Fixed64: Skip(8); break;
            case ProtoWireType.Fixed32: Skip(4); break;
            case ProtoWireType.LengthDelimited: Skip(ReadLength()); break;
            default: throw Corrupt($"unsupported wire type {wireType}");
        }
    }

    public void Skip(long count)
    {
        if (count > Remaining) throw Corrupt("skip past the end of the message");
        var fromBuffer = (int)Math.Min(count, bufferLen - bufferPos);
        bufferPos += fromBuffer;
        position += fromBuffer;
        count -= fromBuffer;
        if (count == 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            position += count;
            return;
        }
        while (count > 0)
        {
            Fill();
            var n = (int)Math.Min(count, bufferLen);
            bufferPos = n;
            position += n;
            count -= n;
        }
    }

    private byte ReadByte()
    {
        if (Remaining <= 0) throw Corrupt("unexpected end of message");
        if (bufferPos == bufferLen) Fill();
        position++;
        return buffer[bufferPos++];
    }

    private void ReadExactly(Span<byte> destination)
    {
        if (destination.Length > Remaining) throw Corrupt("unexpected end of message");
        var fromBuffer = Math.Min(destination.Length, bufferLen - bufferPos);
        buffer.AsSpan(bufferPos, fromBuffer).CopyTo(destination);
        bufferPos += fromBuffer;
        position += fromBuffer;
        var rest = destination[fromBuffer..];
        if (rest.IsEmpty) return;
        if (rest.Length >= buffer.Length)
        {
            // Large payloads (weights) go straight from the stream into their destination.
            stream.ReadExactly(rest);
            position += rest.Length;
            return;
        }
        Fill();
        if (bufferLen < rest.Length) throw Corrupt("unexpected end of stream");
        buffer.AsSpan(0, rest.Length).CopyTo(rest);
        bufferPos = rest.Length;
        position += rest.Length;
    }

    private void Fill()
    {
        // Never read past the outermost length so a stream window inside a larger file is respected.
        var want = (int)Math.Min(buffer.Length, total - position);
        if (want <= 0) throw Corrupt("unexpected end of message");
        var n = stream.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
        if (n == 0) throw Corrupt("unexpected end of stream");
        bufferPos = 0;
        bufferLen = n;
    }

    private static InvalidDataException Corrupt(string what) => new($"corrupt protobuf data: {what}");
}
