using System.Buffers.Binary;

namespace LocalRqa.Training.Reports;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: uint64 length (little-endian), uint32 masked
/// CRC-32C of those 8 length bytes, the data, uint32 masked CRC-32C of the data.
/// </summary>
internal static class TensorBoardRecord
{
    /// <summary>Bytes the framing adds around the data.</summary>
    public const int Overhead = 8 + 4 + 4;

    /// <summary>One whole record, so it can be written with a single call.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[data.Length + Overhead];
        var span = record.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span[..8], (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..12], TensorBoardCrc32C.MaskedCompute(span[..8]));
        data.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(12 + data.Length)..], TensorBoardCrc32C.MaskedCompute(data));
        return record;
    }
}
