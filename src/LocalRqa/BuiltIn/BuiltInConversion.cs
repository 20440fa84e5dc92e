using LocalRqa.Checkpoints;

namespace LocalRqa.BuiltIn;

/// <summary>
/// A BertModel state dict recovered from an ONNX graph. <see cref="GraphLayerNormEps"/> is the epsilon the
/// graph itself uses (null when it could not be found).
/// </summary>
internal sealed record BuiltInConversion(
    IReadOnlyDictionary<string, HostTensor> StateDict,
    IReadOnlyDictionary<string, BuiltInParameterSource> Sources,
    double? GraphLayerNormEps,
    bool HasPooler);
