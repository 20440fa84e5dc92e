using LocalRqa.Modeling.CausalLm;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>
/// Pins checkpoint compatibility without weights: a network built on the meta device from a published
/// config.json has the parameter count its model card states, and the HF names of its last layer.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public class CausalLmPublishedConfigTests
{
    static string Folder(string model) => Path.Combine(TestPaths.RepoRoot, "tests", "LocalRqa.Tests", "Modeling", "CausalLmPublishedConfigs", model);

    [Theory]
    [InlineData("TinyLlama-1.1B-Chat-v1.0", 1_100_048_384L)]
    [InlineData("SmolLM-135M", 134_515_008L)] // tied: no lm_head
    [InlineData("Qwen2.5-0.5B", 494_032_768L)] // tied, q/k/v biases
    [InlineData("stablelm-2-1_6b", 1_644_515_328L)] // LayerNorm with bias, use_qkv_bias
    public void ParameterCountMatchesTheModelCard(string model, long parameters)
    {
        var settings = CausalLmFamily.LoadSettings(Folder(model));
        var previous = get_default_device();
        set_default_device(META);
        try
        {
            using var lm = new CausalLanguageModel(settings);
            Assert.Equal(parameters, lm.parameters().Sum(p => p.numel()));
            var names = lm.state_dict().Keys.ToHashSet();
            var last = settings.Layers - 1;
            Assert.Contains($"model.layers.{last}.self_attn.q_proj.weight", names);
            Assert.Contains($"model.layers.{last}.mlp.down_proj.weight", names);
            Assert.Contains($"model.layers.{last}.post_attention_layernorm.weight", names);
            Assert.Contains("model.norm.weight", names);
            Assert.Equal(!settings.TieWordEmbeddings, names.Contains("lm_head.weight"));
        }
        finally { set_default_device(previous); }
    }
}
