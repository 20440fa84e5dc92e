using LocalRqa.Checkpoints;

namespace LocalRqa.Onnx;

/// <summary>
/// An ONNX TensorProto (initializer or Constant value) with its elements as little-endian bytes, whichever
/// of raw_data or the typed repeated fields the exporter used.
/// </summary>
internal sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, byte[] Data)
{
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The tensor as a checkpoint tensor; throws for types checkpoints cannot hold.</summary>
    public HostTensor ToHostTensor()
    {
        var dtype = DataType switch
        {
            OnnxDataType.Float => StoredDType.F32,
            OnnxDataType.Double => StoredDType.F64,
            OnnxDataType.Float16 => StoredDType.F16,
            OnnxDataType.BFloat16 => StoredDType.BF16,
            OnnxDataType.Int64 => StoredDType.I64,
            OnnxDataType.Int32 => StoredDType.I32,
            OnnxDataType.Int16 => StoredDType.I16,
            OnnxDataType.Int8 => StoredDType.I8,
            OnnxDataType.UInt8 => StoredDType.U8,
            OnnxDataType.Bool => StoredDType.Bool,
            _ => throw new InvalidDataException($"ONNX tensor '{Name}' has unsupported data type {DataType}"),
        };
        return new HostTensor(dtype, (long[])Dims.Clone(), Data);
    }

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";
}
