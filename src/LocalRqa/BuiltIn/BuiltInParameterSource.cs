namespace LocalRqa.BuiltIn;

/// <summary>Where a HuggingFace parameter came from in the ONNX graph, and whether it had to be transposed.</summary>
internal sealed record BuiltInParameterSource(string OnnxName, bool Transposed, string Rule);
