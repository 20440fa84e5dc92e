namespace LocalRqa.Onnx;

/// <summary>The parts of an ONNX GraphProto needed to recover weights: nodes, initializers, input/output names.</summary>
internal sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs);
