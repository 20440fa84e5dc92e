using System.Buffers.Binary;
using System.Text;

namespace LocalRqa.Onnx;

/// <summary>
/// A forward-only protobuf wire-format reader over a stream. Nested messages are entered with
/// <see cref="PushLimit"/> instead of being read into memory, so a 90 MB ONNX graph is never buffered whole
/// and large byte fields can be read straight into their final array (<see cref="ReadBytesInto"/>).
/// </summary>
public sealed class ProtoReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _bufferPos;
    private int _bufferLen;
    private long _position; // bytes consumed since construction
    private long _limit;
    private readonly long _total;
    private readonly Stack<long> _outerLimits = new();

    /// <summary>Reads <paramref name="length"/> bytes of <paramref name="stream"/> from its current position.</summary>
    public ProtoReader(Stream stream, long length)
    {
        _stream = stream;
        _limit = length;
        _total = length;
    }

    public ProtoReader(byte[] data) : this(new MemoryStream(data, writable: false), data.Length) { }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _position;

    /// <summary>Bytes left before the innermost limit.</summary>
    public long Remaining => _limit - _position;

    /// <summary>Restricts reading to the next <paramref name="length"/> bytes (a nested message).</summary>
    public void PushLimit(long length)
    {
        if (length < 0 || length > Remaining) throw Corrupt($"nested length {length} exceeds the {Remaining} bytes left");
        _outerLimits.Push(_limit);
        _limit = _position + length;
    }

    /// <summary>Skips whatever is left of the current nested message and restores the outer limit.</summary>
    public void PopLimit()
    {
        if (_outerLimits.Count == 0) throw new InvalidOperationException("PopLimit without PushLimit");
        Skip(Remaining);
        _limit = _outerLimits.Pop();
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
        var fromBuffer = (int)Math.Min(count, _bufferLen - _bufferPos);
        _bufferPos += fromBuffer;
        _position += fromBuffer;
        count -= fromBuffer;
        if (count == 0) return;
        if (_stream.CanSeek)
        {
            _stream.Seek(count, SeekOrigin.Current);
            _position += count;
            return;
        }
        while (count > 0)
        {
            Fill();
            var n = (int)Math.Min(count, _bufferLen);
            _bufferPos = n;
            _position += n;
            count -= n;
        }
    }

    private byte ReadByte()
    {
        if (Remaining <= 0) throw Corrupt("unexpected end of message");
        if (_bufferPos == _bufferLen) Fill();
        _position++;
        return _buffer[_bufferPos++];
    }

    private void ReadExactly(Span<byte> destination)
    {
        if (destination.Length > Remaining) throw Corrupt("unexpected end of message");
        var fromBuffer = Math.Min(destination.Length, _bufferLen - _bufferPos);
        _buffer.AsSpan(_bufferPos, fromBuffer).CopyTo(destination);
        _bufferPos += fromBuffer;
        _position += fromBuffer;
        var rest = destination[fromBuffer..];
        if (rest.IsEmpty) return;
        if (rest.Length >= _buffer.Length)
        {
            // Large payloads (weights) go straight from the stream into their destination.
            _stream.ReadExactly(rest);
            _position += rest.Length;
            return;
        }
        Fill();
        if (_bufferLen < rest.Length) throw Corrupt("unexpected end of stream");
        _buffer.AsSpan(0, rest.Length).CopyTo(rest);
        _bufferPos = rest.Length;
        _position += rest.Length;
    }

    private void Fill()
    {
        // Never read past the outermost length so a stream window inside a larger file is respected.
        var want = (int)Math.Min(_buffer.Length, _total - _position);
        if (want <= 0) throw Corrupt("unexpected end of message");
        var n = _stream.ReadAtLeast(_buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
        if (n == 0) throw Corrupt("unexpected end of stream");
        _bufferPos = 0;
        _bufferLen = n;
    }

    private static InvalidDataException Corrupt(string what) => new($"corrupt protobuf data: {what}");
}
