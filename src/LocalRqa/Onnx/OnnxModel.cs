namespace LocalRqa.Onnx;

/// <summary>An ONNX ModelProto reduced to its producer and main graph.</summary>
internal sealed record OnnxModel(long IrVersion, string ProducerName, string ProducerVersion, OnnxGraph Graph);
