using LocalRqa.Modeling.Bert;

namespace LocalRqa.Tests.Modeling;

public class BertConfigTests
{
    [Fact]
    public void T5FolderIsRefusedByModelType()
    {
        var e = Assert.Throws<RqaException>(() => BertConfig.Load(TestPaths.Fixture("t5-tiny-tied")));
        Assert.Contains("unsupported model_type 't5'", e.Message);
    }

    [Theory]
    [InlineData("""{"model_type": "bert", "hidden_size": 50, "num_attention_heads": 6}""", "not a multiple of num_attention_heads")]
    [InlineData("""{"model_type": "bert", "architectures": ["GPT2LMHeadModel"]}""", "unsupported architecture 'GPT2LMHeadModel'")]
    [InlineData("""{"model_type": "bert", "hidden_act": "mish"}""", "unsupported hidden_act 'mish'")]
    [InlineData("""{"model_type": "bert", "num_hidden_layers": 0}""", "num_hidden_layers must be positive")]
    [InlineData("""{"model_type": "bert", "position_embedding_type": "relative_key"}""", "position_embedding_type 'relative_key'")]
    [InlineData("""{"model_type": "bert", "hidden_size": "big"}""", "hidden_size")]
    [InlineData("""{"model_type": "bert",""", "invalid JSON")]
    public void InconsistentConfigsAreClearErrors(string json, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("rqa-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), json);
            var e = Assert.Throws<RqaException>(() => BertConfig.Load(folder));
            Assert.Contains(expected, e.Message);
            Assert.Contains("config.json", e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }
}
