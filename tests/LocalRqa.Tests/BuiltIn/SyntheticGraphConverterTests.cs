using LocalRqa.Modeling.Bert;
using LocalRqa.BuiltIn;
using LocalRqa.Checkpoints;
using LocalRqa.Onnx;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>Converter rules on tiny hand-made graphs: other export styles and the failure messages.</summary>
public class SyntheticGraphConverterTests
{
    private static readonly BertConfig Tiny = new() { ModelType = "bert", HiddenSize = 4, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8, VocabSize = 10, MaxPositionEmbeddings = 6, TypeVocabSize = 2 };

    private static OnnxTensor T(string name, params long[] dims)
    {
        var n = (int)dims.Aggregate(1L, (a, b) => a * b);
        return new OnnxTensor(name, OnnxDataType.Float, dims, HostTensor.FromFloats(Enumerable.Range(0, n).Select(i => i + 0.5f).ToArray(), n).Data);
    }

    private static OnnxNode N(string op, string name, string[] inputs, string output, params OnnxAttribute[] attributes) =>
        new(name, op, "", inputs, [output], attributes);

    private static OnnxAttribute IntAttr(string name, long value) => new(name, 2, null, value, null, null, [], []);
    private static OnnxAttribute FloatAttr(string name, float value) => new(name, 1, value, null, null, null, [], []);

    /// <summary>
    /// A graph in which no initializer has an HF name: every parameter is found through scoped node names,
    /// fused LayerNormalization, Gemm with transB=0 and Transpose(initializer).
    /// </summary>
    private static OnnxGraph Scoped(bool dropValue = false, bool extraMatrix = false)
    {
        var inits = new List<OnnxTensor>();
        var nodes = new List<OnnxNode>();
        var counter = 0;
        string Init(params long[] dims)
        {
            var name = (counter++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            inits.Add(T(name, dims));
            return name;
        }
        void LayerNorm(string scope) =>
            nodes.Add(N("LayerNormalization", $"/{scope}/LayerNormalization", ["x", Init(4), Init(4)], "y", FloatAttr("epsilon", 1e-12f)));
        void Linear(string scope, long inDim, long outDim, string style)
        {
            switch (style)
            {
                case "matmul":
                    nodes.Add(N("MatMul", $"/{scope}/MatMul", ["x", Init(inDim, outDim)], scope + "_mm"));
                    nodes.Add(N("Add", $"/{scope}/Add", [Init(outDim), scope + "_mm"], scope + "_out"));
                    break;
                case "gemm":
                    nodes.Add(N("Gemm", $"/{scope}/Gemm", ["x", Init(inDim, outDim), Init(outDim)], scope + "_out", IntAttr("transB", 0)));
                    break;
                case "transpose":
                    var w = Init(outDim, inDim);
                    nodes.Add(N("Transpose", $"/{scope}/Transpose", [w], scope + "_t"));
                    nodes.Add(N("MatMul", $"/{scope}/MatMul", ["x", scope + "_t"], scope + "_mm"));
                    nodes.Add(N("Add", $"/{scope}/Add", [scope + "_mm", Init(outDim)], scope + "_out"));
                    break;
            }
        }

        nodes.Add(N("Gather", "/embeddings/word_embeddings/Gather", [Init(10, 4), "input_ids"], "e1"));
        nodes.Add(N("Gather", "Gather_7", [Init(6, 4), "pos"], "e2")); // unscoped: found by its row count
        nodes.Add(N("Gather", "/embeddings/token_type_embeddings/Gather", [Init(2, 4), "token_type_ids"], "e3"));
        LayerNorm("embeddings/LayerNorm");
        Linear("encoder/layer.0/attention/self/query", 4, 4, "matmul");
        Linear("encoder/layer.0/attention/self/key", 4, 4, "gemm");
        if (!dropValue) Linear("encoder/layer.0/attention/self/value", 4, 4, "transpose");
        Linear("encoder/layer.0/attention/output/dense", 4, 4, "matmul");
        LayerNorm("encoder/layer.0/attention/output/LayerNorm");
        Linear("encoder/layer.0/intermediate/dense", 4, 8, "matmul");
        nodes.Add(N("Erf", "/encoder/layer.0/intermediate/intermediate_act_fn/Erf", ["a"], "b"));
        Linear("encoder/layer.0/output/dense", 8, 4, "matmul");
        LayerNorm("encoder/layer.0/output/LayerNorm");
        if (extraMatrix) Init(3, 3);
        inits.Add(new OnnxTensor("shape_const", OnnxDataType.Int64, [1], new byte[8])); // ignored: not a weight
        return new OnnxGraph("g", nodes, inits, ["input_ids"], ["last_hidden_state"]);
    }

    [Fact]
    public void FindsEveryParameterThroughScopesShapesAndOperators()
    {
        var conversion = BuiltInModelConverter.Convert(Scoped(), Tiny);

        Assert.Equal(BuiltInModelConverter.ExpectedParameters(Tiny, false).Select(p => p.Key).Order(), conversion.StateDict.Keys.Order());
        Assert.False(conversion.HasPooler);
        Assert.Equal(1e-12, conversion.GraphLayerNormEps);
        Assert.True(conversion.Sources["encoder.layer.0.attention.self.query.weight"].Transposed);
        Assert.True(conversion.Sources["encoder.layer.0.attention.self.key.weight"].Transposed); // Gemm transB=0
        Assert.False(conversion.Sources["encoder.layer.0.attention.self.value.weight"].Transposed); // Transpose(W)
        Assert.Equal([8L, 4L], conversion.StateDict["encoder.layer.0.intermediate.dense.weight"].Shape);
        Assert.Equal([4L, 8L], conversion.StateDict["encoder.layer.0.output.dense.weight"].Shape);
        Assert.Equal([6L, 4L], conversion.StateDict["embeddings.position_embeddings.weight"].Shape);
        // [in=4, out=8] values 0.5, 1.5, ... -> [out, in]: row o holds column o.
        var w = conversion.StateDict["encoder.layer.0.intermediate.dense.weight"].ToFloats();
        Assert.Equal(new[] { 0.5f, 8.5f, 16.5f, 24.5f }, w[..4]);
    }

    [Fact]
    public void MissingParametersAreNamed()
    {
        var e = Assert.Throws<RqaException>(() => BuiltInModelConverter.Convert(Scoped(dropValue: true), Tiny));
        Assert.Contains("encoder.layer.0.attention.self.value.weight", e.Message);
        Assert.Contains("encoder.layer.0.attention.self.value.bias", e.Message);
    }

    [Fact]
    public void UnmappedMatricesAreNamed()
    {
        var e = Assert.Throws<RqaException>(() => BuiltInModelConverter.Convert(Scoped(extraMatrix: true), Tiny));
        Assert.Contains("[3, 3]", e.Message);
    }

    [Fact]
    public void ShapesInconsistentWithTheConfigFailLoudly()
    {
        var e = Assert.Throws<RqaException>(() => BuiltInModelConverter.Convert(Scoped(), Tiny with { IntermediateSize = 16 }));
        Assert.Contains("intermediate.dense.weight", e.Message);
    }

    [Fact]
    public void LayersBeyondTheConfigAreRejected()
    {
        var e = Assert.Throws<RqaException>(() => BuiltInModelConverter.Convert(Scoped(), Tiny with { NumHiddenLayers = 0 }));
        Assert.Contains("encoder.layer.0", e.Message);
    }
}
