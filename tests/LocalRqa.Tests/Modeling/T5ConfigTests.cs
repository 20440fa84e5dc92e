using LocalRqa.Modeling.T5;

namespace LocalRqa.Tests.Modeling;

public class T5ConfigTests
{
    [Theory]
    [InlineData("relu", false, "relu")]
    [InlineData("gated-gelu", true, "gelu_new")] // HF keeps v1.1's tanh approximation under this name
    [InlineData("gated-silu", true, "silu")]
    [InlineData("gelu", false, "gelu")]
    public void FeedForwardProjIsReadAsHuggingFaceDoes(string proj, bool gated, string activation)
    {
        var config = Load($$"""{"model_type": "t5", "feed_forward_proj": "{{proj}}"}""");
        Assert.Equal(gated, config.IsGatedAct);
        Assert.Equal(activation, config.DenseActFn);
    }

    [Fact]
    public void DefaultsFollowTransformers()
    {
        var config = Load("""{"model_type": "t5", "num_layers": 4, "pad_token_id": 0}""");
        Assert.Equal(4, config.NumDecoderLayers);
        Assert.Equal(0, config.DecoderStartTokenId);
        Assert.Equal(128, config.RelativeAttentionMaxDistance);
        Assert.True(config.TieWordEmbeddings);
    }

    [Theory]
    [InlineData("""{"model_type": "bert"}""", "T5 encoder-decoder (model_type 't5') is required")]
    [InlineData("""{"model_type": "t5", "is_encoder_decoder": false}""", "not an encoder-decoder")]
    [InlineData("""{"model_type": "t5", "feed_forward_proj": "double-gelu"}""", "feed_forward_proj 'double-gelu'")]
    [InlineData("""{"model_type": "t5", "feed_forward_proj": "gated-mish"}""", "feed_forward_proj 'gated-mish'")]
    [InlineData("""{"model_type": "t5", "num_heads": 0}""", "num_heads must be positive")]
    [InlineData("""{"model_type": "t5", "vocab_size": 10, "eos_token_id": 10}""", "eos_token_id 10 is outside")]
    public void InconsistentConfigsAreOneLineErrorsNamingTheFile(string json, string expected)
    {
        var e = Assert.Throws<RqaException>(() => Load(json));
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    static T5Config Load(string json)
    {
        var folder = Directory.CreateTempSubdirectory("rqa-t5-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), json);
            return T5Config.Load(folder);
        }
        finally { Directory.Delete(folder, true); }
    }
}
