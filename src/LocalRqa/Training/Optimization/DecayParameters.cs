using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Training.Optimization;

/// <summary>
/// Which parameters get weight decay, as HF Trainer's get_decay_parameter_names decides:
/// get_parameter_names(model, ALL_LAYERNORM_LAYERS) drops every parameter owned (at any depth) by an
/// nn.LayerNorm module, then names containing "bias" are dropped. For BERT this leaves the Linear and
/// Embedding weights; every "*.bias" and "*.LayerNorm.weight" is trained without decay.
/// </summary>
internal static class DecayParameters
{
    /// <summary>The names of <paramref name="model"/>'s trainable parameters that HF would decay.</summary>
    public static IReadOnlySet<string> Names(nn.Module model)
    {
        var insideLayerNorm = new HashSet<string>(StringComparer.Ordinal);
        CollectLayerNormParameters(model, "", inside: false, insideLayerNorm);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters())
            if (parameter.requires_grad && !insideLayerNorm.Contains(name) && !name.Contains("bias", StringComparison.Ordinal))
                result.Add(name);
        return result;
    }

    static void CollectLayerNormParameters(nn.Module module, string prefix, bool inside, HashSet<string> names)
    {
        inside |= module is LayerNorm;
        if (inside)
            foreach (var (name, _) in module.named_parameters(recurse: false)) names.Add(prefix + name);
        foreach (var (name, child) in module.named_children())
            CollectLayerNormParameters(child, prefix + name + ".", inside, names);
    }
}
