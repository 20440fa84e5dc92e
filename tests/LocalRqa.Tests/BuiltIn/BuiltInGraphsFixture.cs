using LocalRqa.BuiltIn;
using LocalRqa.Onnx;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>Parses and converts both packaged ONNX models once for all converter tests.</summary>
public sealed class BuiltInGraphsFixture
{
    internal BuiltInModel Arctic { get; } = BuiltInModels.Find("Snowflake/snowflake-arctic-embed-xs")!;
    internal BuiltInModel MiniLm { get; } = BuiltInModels.Find("sentence-transformers/all-MiniLM-L6-v2")!;

    private readonly Dictionary<string, (OnnxGraph Graph, BuiltInConversion Conversion)> loaded = new();

    internal (OnnxGraph Graph, BuiltInConversion Conversion) Load(BuiltInModel model)
    {
        lock (loaded)
        {
            if (!loaded.TryGetValue(model.HubId, out var entry))
            {
                var graph = BuiltInModels.ReadOnnx(model).Graph;
                entry = (graph, BuiltInModelConverter.Convert(graph, model.Config));
                loaded[model.HubId] = entry;
            }
            return entry;
        }
    }
}
