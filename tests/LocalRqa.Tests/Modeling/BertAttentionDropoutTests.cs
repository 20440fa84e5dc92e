using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

[Collection(GlobalTorchStateCollection.Name)]
public class BertAttentionDropoutTests
{
    public BertAttentionDropoutTests() => TorchRuntime.Initialize();

    [Fact]
    public void SettingItChangesEveryLayerButNotTheConfigThatIsSaved()
    {
        using var model = BertModel.FromPretrained(TestPaths.Fixture("bert-tiny"));
        var configured = model.Config.AttentionProbsDropoutProb;
        Assert.True(configured > 0);
        model.SetAttentionDropout(0);
        var layers = model.modules().OfType<BertSelfAttention>().ToList();
        Assert.Equal(model.Config.NumHiddenLayers, layers.Count);
        Assert.All(layers, l => Assert.Equal(0, l.DropoutProbability));
        Assert.Equal(configured, model.Config.AttentionProbsDropoutProb);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SetAttentionDropout(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SetAttentionDropout(-0.1));
    }

    [Fact]
    public void WithoutAttentionDropoutTrainModeDrawsOnlyTheHiddenDropout()
    {
        // With the hidden dropouts at 0 too, train mode must equal eval mode exactly: the attention dropout really is
        // off (left at the config's 0.1, train mode would drop attention probabilities and differ).
        using var model = BertModel.FromPretrained(TestPaths.Fixture("bert-tiny"));
        using var scope = NewDisposeScope();
        var ids = tensor(new long[,] { { 2, 15, 16, 17, 3 } });
        var mask = ones_like(ids);
        var types = zeros_like(ids);
        using var _ = no_grad();
        var expected = model.forward(ids, mask, types);
        model.SetAttentionDropout(0);
        foreach (var dropout in model.modules().OfType<TorchSharp.Modules.Dropout>()) dropout.p = 0;
        model.train();
        var actual = model.forward(ids, mask, types);
        model.eval();
        Assert.True(allclose(expected, actual, rtol: 0, atol: 1e-6));
    }
}
