using static TorchSharp.torch;

namespace LocalRqa.Modeling;

/// <summary>The `hidden_act` names of HuggingFace configs, as tensor functions.</summary>
internal static class Activations
{
    public static readonly IReadOnlyList<string> Supported = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu", "silu", "swish"];

    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        // transformers' "gelu" is the exact erf form; the *_tanh / new / fast ones are the tanh approximation.
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => nn.functional.relu(x),
        "silu" or "swish" => x => nn.functional.silu(x),
        _ => throw new RqaException($"unsupported hidden_act '{name}' (supported: {string.Join(", ", Supported)})"),
    };
}
