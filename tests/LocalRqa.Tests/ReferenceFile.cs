using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace LocalRqa.Tests;

/// <summary>A fixture's reference.json: inputs and expected outputs as {"shape": [...], "data": [...]}.</summary>
public sealed class ReferenceFile
{
    public JsonObject Root { get; }
    public double ToleranceAbs => Root["tolerance_abs"]!.GetValue<double>();

    public ReferenceFile(string fixtureFolder) =>
        Root = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtureFolder, "reference.json")))!.AsObject();

    public static Tensor FloatTensor(JsonNode node) =>
        tensor(node["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray(),
            node["shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray());

    /// <summary>A nested JSON array of integers (e.g. [[2, 9, 3], ...]) as an int64 tensor.</summary>
    public static Tensor LongMatrix(JsonNode node)
    {
        var rows = node.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
        return tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
    }

    /// <summary>A nested JSON array of integers of any depth (e.g. [[[2, 9], ...], ...]) as an int64 tensor.</summary>
    public static Tensor LongTensor(JsonNode node)
    {
        var shape = new List<long>();
        for (var level = node; level is JsonArray array; level = array[0]) shape.Add(array.Count);
        var values = new List<long>();
        void Flatten(JsonNode n)
        {
            if (n is JsonArray array) foreach (var child in array) Flatten(child!);
            else values.Add(n.GetValue<long>());
        }
        Flatten(node);
        return tensor(values.ToArray(), shape.ToArray());
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= tolerance, $"{what}: max abs diff {diff} exceeds {tolerance}");
    }
}
