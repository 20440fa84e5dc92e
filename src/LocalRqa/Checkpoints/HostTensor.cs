namespace LocalRqa.Checkpoints;

/// <summary>
/// A tensor read from or written to a checkpoint file, held in managed memory as little-endian bytes so
/// that readers (safetensors, pytorch_model.bin, ONNX) need no TorchSharp.
/// </summary>
internal sealed record HostTensor(StoredDType DType, long[] Shape, byte[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static int ElementSize(StoredDType dtype) => dtype switch
    {
        StoredDType.F64 or StoredDType.I64 => 8,
        StoredDType.F32 or StoredDType.I32 => 4,
        StoredDType.F16 or StoredDType.BF16 or StoredDType.I16 => 2,
        _ => 1,
    };

    public static HostTensor FromFloats(float[] values, params long[] shape)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new HostTensor(StoredDType.F32, shape, bytes);
    }

    /// <summary>The values as float32, converting from half, bfloat16 or double.</summary>
    public float[] ToFloats()
    {
        var n = checked((int)ElementCount);
        var result = new float[n];
        switch (DType)
        {
            case StoredDType.F32:
                Buffer.BlockCopy(Data, 0, result, 0, n * 4);
                break;
            case StoredDType.F16:
                for (var i = 0; i < n; i++) result[i] = (float)BitConverter.ToHalf(Data, 2 * i);
                break;
            case StoredDType.BF16:
                for (var i = 0; i < n; i++) result[i] = BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(Data, 2 * i) << 16);
                break;
            case StoredDType.F64:
                for (var i = 0; i < n; i++) result[i] = (float)BitConverter.ToDouble(Data, 8 * i);
                break;
            default:
                throw new InvalidOperationException($"tensor of type {DType} is not floating point");
        }
        return result;
    }
}
