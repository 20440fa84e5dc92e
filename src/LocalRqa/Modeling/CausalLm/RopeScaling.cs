using System.Text.Json.Nodes;

namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// A config's rope_scaling: a rule that rewrites the rotary inverse frequencies. Only the rules that leave
/// the rotation a plain function of the position are supported; others are a clear error, never ignored.
/// </summary>
internal abstract record RopeScaling
{
    public static readonly IReadOnlyList<string> SupportedTypes = ["linear", "llama3"];

    public abstract double[] Rescale(double[] inverseFrequencies);

    /// <summary>Reads rope_scaling (key `rope_type`, or the older `type`); null or type "default" is no scaling.</summary>
    public static RopeScaling? FromConfig(JsonObject? node, string source)
    {
        if (node is null) return null;
        var type = (node["rope_type"] ?? node["type"])?.GetValue<string>() ?? "default";
        double Number(string key) =>
            node[key]?.GetValue<double>() ?? throw new RqaException($"{source}: rope_scaling of type '{type}' needs '{key}'");
        return type switch
        {
            "default" => null,
            "linear" => new LinearRopeScaling(Number("factor")),
            "llama3" => new Llama3RopeScaling(Number("factor"), Number("low_freq_factor"), Number("high_freq_factor"),
                Number("original_max_position_embeddings")),
            _ => throw new RqaException($"{source}: rope_scaling type '{type}' is not supported (supported: {string.Join(", ", SupportedTypes)})"),
        };
    }
}
