using System.Buffers.Binary;
using System.Text;

namespace LocalRqa.Tests.Training.Reports;

/// <summary>
/// An independent reader of TensorBoard event files for the tests: TFRecord framing with both CRCs checked
/// (a bit-at-a-time CRC-32C, not the writer's table), then a general protobuf decoder for Event/Summary/Value.
/// </summary>
static class TensorBoardEventFileReader
{
    public static IReadOnlyList<TensorBoardTestEvent> Read(string path)
    {
        byte[] bytes;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            bytes = copy.ToArray();
        }
        return ReadRecords(bytes).Select(DecodeEvent).ToList();
    }

    public static IReadOnlyList<byte[]> ReadRecords(byte[] file)
    {
        var records = new List<byte[]>();
        var at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12)
                throw new InvalidDataException($"truncated record header at {at}");
            var header = file.AsSpan(at, 8);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8, 4)) != MaskedCrc(header))
                throw new InvalidDataException($"length CRC mismatch at {at}");
            if ((ulong)(file.Length - at - 12) < length + 4)
                throw new InvalidDataException($"truncated record data at {at}");
            var data = file.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length, 4)) != MaskedCrc(data))
                throw new InvalidDataException($"data CRC mismatch at {at}");
            records.Add(data.ToArray());
            at += 12 + (int)length + 4;
        }
        return records;
    }

    public static uint Crc32CBitwise(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
                crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
        }
        return ~crc;
    }

    public static uint Unmask(uint masked)
    {
        var rotated = unchecked(masked - 0xA282EAD8u);
        return (rotated << 15) | (rotated >> 17);
    }

    static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32CBitwise(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }

    static TensorBoardTestEvent DecodeEvent(byte[] evt)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var scalars = new List<(string, float)>();
        var other = new List<int>();
        foreach (var (field, wire, value) in Fields(evt))
        {
            switch (field, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)BinaryPrimitives.ReadUInt64LittleEndian(value)); break;
                case (2, 0): step = (long)ReadVarint(value, out _); break;
                case (3, 2): fileVersion = Encoding.UTF8.GetString(value); break;
                case (5, 2): scalars.AddRange(DecodeSummary(value)); break;
                default: other.Add(field); break;
            }
        }
        return new TensorBoardTestEvent(wallTime, step, fileVersion, scalars, other);
    }

    static IEnumerable<(string, float)> DecodeSummary(byte[] summary)
    {
        foreach (var (field, wire, value) in Fields(summary))
        {
            if (field != 1 || wire != 2)
                throw new InvalidDataException($"unexpected Summary field {field}/{wire}");
            string? tag = null;
            float? simple = null;
            foreach (var (f, w, v) in Fields(value))
            {
                if (f == 1 && w == 2)
                    tag = Encoding.UTF8.GetString(v);
                else if (f == 2 && w == 5)
                    simple = BinaryPrimitives.ReadSingleLittleEndian(v);
                else
                    throw new InvalidDataException($"unexpected Summary.Value field {f}/{w}");
            }
            yield return (tag ?? throw new InvalidDataException("Summary.Value without tag"),
                simple ?? throw new InvalidDataException("Summary.Value without simple_value"));
        }
    }

    /// <summary>(field number, wire type, raw value) for each field; varints as their bytes.</summary>
    static List<(int Field, int Wire, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, int, byte[])>();
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message.AsSpan(at), out var keyLength);
            at += keyLength;
            var field = checked((int)(key >> 3));
            var wire = (int)(key & 7);
            int length;
            switch (wire)
            {
                case 0: ReadVarint(message.AsSpan(at), out length); break;
                case 1: length = 8; break;
                case 2:
                    var size = ReadVarint(message.AsSpan(at), out var sizeLength);
                    at += sizeLength;
                    length = checked((int)size);
                    break;
                case 5: length = 4; break;
                default: throw new InvalidDataException($"unsupported wire type {wire}");
            }
            if (field == 0 || at + length > message.Length)
                throw new InvalidDataException($"bad field {field} at {at}");
            fields.Add((field, wire, message.AsSpan(at, length).ToArray()));
            at += length;
        }
        return fields;
    }

    static ulong ReadVarint(ReadOnlySpan<byte> bytes, out int length)
    {
        ulong value = 0;
        for (var i = 0; i < 10; i++)
        {
            if (i >= bytes.Length)
                throw new InvalidDataException("truncated varint");
            value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
            if ((bytes[i] & 0x80) == 0)
            {
                length = i + 1;
                return value;
            }
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
