using LocalRqa.Encoders;

namespace LocalRqa.Tests.Encoders;

/// <summary>Reading sentence-transformers pipelines: what they say is honoured, what rqa cannot do is refused.</summary>
public sealed class SentenceTransformersFolderTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("rqa-st-folder-").FullName;

    public void Dispose() => Directory.Delete(folder, true);

    void Write(string relative, string json)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    const string TransformerAndPooling =
        """[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}""";

    [Fact]
    public void ReadsPoolingNormalizeLengthLowerCasePromptsAndSimilarity()
    {
        Write("modules.json", TransformerAndPooling + """, {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Write("1_Pooling/config.json", """{"word_embedding_dimension": 48, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}""");
        Write("sentence_bert_config.json", """{"max_seq_length": 40, "do_lower_case": true}""");
        Write("config_sentence_transformers.json", """{"prompts": {"query": "q: ", "document": "d: "}, "similarity_fn_name": "dot"}""");
        var settings = SentenceTransformersFolder.ReadDefaults(folder, 512, poolingOverridden: false);
        Assert.Equal(new EncoderSettings
        {
            Pooling = PoolingType.Cls, Normalize = true, MaxLength = 40, LowerCaseInput = true,
            QueryPrompt = "q: ", PassagePrompt = "d: ", SimilarityFunction = "dot",
        }, settings);
    }

    [Fact]
    public void NoSentenceTransformersFilesGiveMeanPoolingWithoutNormalisation() =>
        Assert.Equal(new EncoderSettings { MaxLength = 128 }, SentenceTransformersFolder.ReadDefaults(folder, 128, false));

    [Fact]
    public void WrittenFilesReadBackTheSameSettings()
    {
        var settings = new EncoderSettings { Pooling = PoolingType.Cls, Normalize = true, MaxLength = 77, LowerCaseInput = true, QueryPrompt = "query: ", PassagePrompt = "passage: ", SimilarityFunction = "cosine" };
        SentenceTransformersFolder.Write(folder, settings, 48);
        Assert.Equal(settings, SentenceTransformersFolder.ReadDefaults(folder, 512, false));
    }

    [Theory]
    [InlineData("""{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true}""", false, "combines the pooling modes cls_token + mean_tokens")]
    [InlineData("""{"pooling_mode_max_tokens": true}""", false, "pooling mode max_tokens is not supported; pass --pooling_type")]
    [InlineData("""{"pooling_mode_mean_tokens": true, "include_prompt": false}""", false, "include_prompt false")]
    [InlineData("""{"pooling_mode_mean_tokens": "yes"}""", false, "field 'pooling_mode_mean_tokens' must be true or false")]
    public void UnsupportedPoolingIsRefused(string pooling, bool overridden, string expected)
    {
        Write("modules.json", TransformerAndPooling + "]");
        Write("1_Pooling/config.json", pooling);
        var e = Assert.Throws<RqaException>(() => SentenceTransformersFolder.ReadDefaults(folder, 512, overridden));
        Assert.Contains(expected, e.Message);
        Assert.Contains("1_Pooling", e.Message);
    }

    [Fact]
    public void AnOverrideStandsInForAnUnsupportedSingleMode()
    {
        Write("modules.json", TransformerAndPooling + "]");
        Write("1_Pooling/config.json", """{"pooling_mode_max_tokens": true}""");
        Assert.Equal(PoolingType.Mean, SentenceTransformersFolder.ReadDefaults(folder, 512, poolingOverridden: true).Pooling);
    }

    [Theory]
    [InlineData("modules.json", TransformerAndPooling + """, {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]""", "module 2 is sentence_transformers.models.Dense, which rqa does not support")]
    [InlineData("modules.json", """{"type": "x"}""", "field '(root)' must be a list")]
    [InlineData("config_sentence_transformers.json", """{"prompts": {"query": 5}}""", "field 'prompts.query' must be a string")]
    [InlineData("sentence_bert_config.json", """{"max_seq_length": "long"}""", "field 'max_seq_length' must be an integer")]
    public void MalformedFilesAreNamed(string file, string json, string expected)
    {
        Write("1_Pooling/config.json", """{"pooling_mode_mean_tokens": true}""");
        Write(file, json);
        var e = Assert.Throws<RqaException>(() => SentenceTransformersFolder.ReadDefaults(folder, 512, false));
        Assert.Contains(expected, e.Message);
        Assert.Contains(file, e.Message);
    }
}
