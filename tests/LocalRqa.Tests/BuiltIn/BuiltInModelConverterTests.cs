using LocalRqa.BuiltIn;
using LocalRqa.Onnx;

namespace LocalRqa.Tests.BuiltIn;

public class BuiltInModelConverterTests(BuiltInGraphsFixture fixture) : IClassFixture<BuiltInGraphsFixture>
{
    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs", false)]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", true)]
    public void MapsEveryBertModelParameterWithItsShape(string hubId, bool pooler)
    {
        var model = BuiltInModels.Find(hubId)!;
        var (_, conversion) = fixture.Load(model);
        var expected = BuiltInModelConverter.ExpectedParameters(model.Config, pooler);

        Assert.Equal(pooler, conversion.HasPooler);
        Assert.Equal(5 + 6 * 16 + (pooler ? 2 : 0), expected.Count);
        Assert.Equal(expected.Select(p => p.Key).Order(), conversion.StateDict.Keys.Order());
        foreach (var (name, shape) in expected)
        {
            var tensor = conversion.StateDict[name];
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(shape.Aggregate(4L, (a, b) => a * b), tensor.Data.LongLength);
        }
        // Every parameter comes from a distinct ONNX tensor.
        Assert.Equal(conversion.Sources.Count, conversion.Sources.Values.Select(s => s.OnnxName).Distinct().Count());
    }

    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void ReadsLayerNormEpsilonFromTheGraph(string hubId)
    {
        var (_, conversion) = fixture.Load(BuiltInModels.Find(hubId)!);
        Assert.Equal(1e-12, conversion.GraphLayerNormEps);
    }

    [Fact]
    public void ArcticQueryWeightIsTheTransposeOfItsScopedMatMulOperand()
    {
        var (graph, conversion) = fixture.Load(fixture.Arctic);
        // Identify the operand independently through the node's scope name.
        var node = graph.Nodes.Single(n => n.Name == "/encoder/layer.0/attention/self/query/MatMul");
        AssertTransposed(graph, node.Inputs[1], conversion.StateDict["encoder.layer.0.attention.self.query.weight"]);
        Assert.True(conversion.Sources["encoder.layer.0.attention.self.query.weight"].Transposed);
    }

    [Fact]
    public void MiniLmIntermediateWeightIsTheTransposeOfTheMatMulBeforeItsBias()
    {
        var (graph, conversion) = fixture.Load(fixture.MiniLm);
        // The old exporter names nodes MatMul_112: find the MatMul whose output the layer-5 bias is added to.
        var add = graph.Nodes.Single(n => n.OpType == "Add" && n.Inputs.Contains("encoder.layer.5.intermediate.dense.bias"));
        var matMul = graph.Nodes.Single(n => n.OpType == "MatMul" && add.Inputs.Contains(n.Outputs[0]));
        var weight = conversion.StateDict["encoder.layer.5.intermediate.dense.weight"];
        Assert.Equal([1536L, 384L], weight.Shape);
        AssertTransposed(graph, matMul.Inputs[1], weight);
    }

    [Fact]
    public void MiniLmPoolerGemmWeightIsKeptAsIs()
    {
        var (graph, conversion) = fixture.Load(fixture.MiniLm);
        var source = graph.Initializers.Single(t => t.Name == "pooler.dense.weight");
        Assert.False(conversion.Sources["pooler.dense.weight"].Transposed);
        Assert.Equal(source.Data, conversion.StateDict["pooler.dense.weight"].Data);
    }

    private static void AssertTransposed(OnnxGraph graph, string onnxName, LocalRqa.Checkpoints.HostTensor converted)
    {
        var onnx = graph.Initializers.Single(t => t.Name == onnxName);
        var rows = (int)onnx.Dims[0];
        var cols = (int)onnx.Dims[1];
        Assert.Equal([(long)cols, rows], converted.Shape);
        var a = onnx.ToHostTensor().ToFloats();
        var b = converted.ToFloats();
        Assert.NotEqual(a, b); // a real transpose, not a copy
        foreach (var (r, c) in new[] { (0, 1), (1, 0), (3, 7), (rows - 1, cols - 2), (rows / 2, cols / 3) })
            Assert.Equal(a[r * cols + c], b[c * rows + r]);
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                if (a[r * cols + c] != b[c * rows + r]) Assert.Fail($"mismatch at [{r},{c}]");
    }
}
