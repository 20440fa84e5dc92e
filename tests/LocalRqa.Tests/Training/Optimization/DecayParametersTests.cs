using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Tests.Training.Optimization;

public sealed class DecayParametersTests
{
    public DecayParametersTests() => TorchRuntime.Initialize();

    [Fact]
    public void BiasesAndLayerNormParametersAreNotDecayed()
    {
        using var model = new TinyNormModel();
        Assert.Equal(["dense.weight"], DecayParameters.Names(model).Order());
    }

    [Fact]
    public void BertDecaysExactlyItsLinearAndEmbeddingWeights()
    {
        var config = new BertConfig { ModelType = "bert", HiddenSize = 4, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8, VocabSize = 10, MaxPositionEmbeddings = 6, TypeVocabSize = 2 };
        using var model = new BertModel(config);
        var names = model.named_parameters().Select(np => np.name).ToList();
        // HF: not inside an nn.LayerNorm and no "bias" in the name.
        var expected = names.Where(n => !n.Contains("LayerNorm.") && !n.EndsWith(".bias", StringComparison.Ordinal)).Order().ToList();
        Assert.Contains("embeddings.word_embeddings.weight", expected);
        Assert.Contains("encoder.layer.0.attention.self.query.weight", expected);
        Assert.DoesNotContain("embeddings.LayerNorm.weight", expected);
        Assert.Equal(expected, DecayParameters.Names(model).Order().ToList());
    }
}
