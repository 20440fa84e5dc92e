using Razorvine.Pickle;

namespace LocalRqa.Checkpoints;

/// <summary>
/// A torch storage class such as <c>torch.FloatStorage</c>. torch.save names it inside each storage's persistent
/// id only to say the element type; it is never called, so constructing one is an error.
/// </summary>
internal sealed class PyTorchStorageType(string name, StoredDType dtype) : IObjectConstructor
{
    public string Name { get; } = name;
    public StoredDType DType { get; } = dtype;

    public object construct(object[] args) =>
        throw new FormatException($"torch.{Name} is called directly, which torch.save never writes");

    /// <summary>The storage classes of the element types <see cref="HostTensor"/> can hold.</summary>
    public static IReadOnlyList<PyTorchStorageType> All { get; } =
    [
        new("FloatStorage", StoredDType.F32), new("HalfStorage", StoredDType.F16),
        new("BFloat16Storage", StoredDType.BF16), new("DoubleStorage", StoredDType.F64),
        new("LongStorage", StoredDType.I64), new("IntStorage", StoredDType.I32),
        new("ShortStorage", StoredDType.I16), new("CharStorage", StoredDType.I8),
        new("ByteStorage", StoredDType.U8), new("BoolStorage", StoredDType.Bool),
        // Untyped storages count bytes; torch only pickles them bare, never under a tensor.
        new("UntypedStorage", StoredDType.U8),
    ];
}
