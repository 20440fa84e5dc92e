namespace LocalRqa.Training.Reports;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as TFRecord framing needs it, and TensorFlow's
/// "masked" form of it. <see cref="System.IO.Hashing.Crc32"/> is the IEEE polynomial, so it cannot be used here.
/// </summary>
internal static class TensorBoardCrc32C
{
    const uint Polynomial = 0x82F63B78u;
    const uint MaskDelta = 0xA282EAD8u;

    static readonly uint[] Table = BuildTable();

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            table[i] = crc;
        }
        return table;
    }

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TensorFlow's masked CRC: rotate right by 15 bits, then add a constant (uint32 arithmetic).</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as stored in TFRecord files.</summary>
    public static uint MaskedCompute(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
