namespace LocalRqa.Onnx;

/// <summary>An ONNX node attribute; only the value kinds this reader understands are filled in.</summary>
internal sealed record OnnxAttribute(
    string Name,
    int Type,
    float? Float,
    long? Int,
    byte[]? Bytes,
    OnnxTensor? Tensor,
    IReadOnlyList<float> Floats,
    IReadOnlyList<long> Ints);
