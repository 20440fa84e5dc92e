using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Modeling.CausalLm;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>The causal-LM fixtures and helpers to read them; every shape comes from the files.</summary>
public static class CausalLmFixtures
{
    public static TheoryData<string> Names() => new("llama-tiny", "qwen2-tiny", "stablelm-tiny");

    /// <summary>All tensors of a fixture's model.safetensors, in memory, to edit for loading tests.</summary>
    internal static Dictionary<string, HostTensor> Tensors(string folder)
    {
        var source = CheckpointFolder.Open(folder);
        return source.Names.ToDictionary(n => n, source.Read);
    }

    public static int EosTokenId(string folder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["eos_token_id"]!.GetValue<int>();

    /// <summary>Asserts equality of [B, T, V] logits on each row's first Σ mask positions only.</summary>
    public static void AssertCloseOnValidPositions(Tensor expected, Tensor actual, Tensor attentionMask, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var lengths = attentionMask.sum(1).data<long>().ToArray();
        for (var b = 0; b < lengths.Length; b++)
            ReferenceFile.AssertClose(expected[b].narrow(0, 0, lengths[b]), actual[b].narrow(0, 0, lengths[b]), tolerance, $"{what} row {b}");
    }

    /// <summary>A model built from a fixture's settings (possibly edited) and an in-memory checkpoint.</summary>
    internal static CausalLanguageModel Load(DecoderSettings settings, Dictionary<string, HostTensor> tensors, ScalarType weightType = ScalarType.Float32) =>
        CausalLanguageModel.Load(settings, new InMemoryCheckpoint(tensors, "test checkpoint"), weightType);
}
