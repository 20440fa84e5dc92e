using System.Text.Json.Nodes;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>
/// A saved config.json holds only keys transformers' BertConfig knows, spelled as it spells them: Python loads the
/// folder with AutoConfig, and a stray key (rqa once wrote its computed "HeadSize") ends up as a bogus attribute.
/// </summary>
public sealed class SavedConfigKeysTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-config-keys-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    /// <summary>
    /// BertConfig.__init__'s parameters (transformers' models/bert/configuration_bert.py) and the PretrainedConfig keys a
    /// saved BERT config carries (model_type, architectures, torch_dtype, transformers_version, _name_or_path).
    /// </summary>
    static readonly HashSet<string> BertConfigKeys =
    [
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
        "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size",
        "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type", "use_cache", "classifier_dropout",
        "model_type", "architectures", "torch_dtype", "transformers_version", "_name_or_path",
    ];

    static string[] Keys(string folder) =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject().Select(p => p.Key)];

    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void BuiltInFolderAndATrainedSaveHaveOnlyBertConfigKeys(string hubId)
    {
        var folder = BuiltInModels.TryGetFolder(hubId, Path.Combine(work, "cache"))!;
        Assert.Empty(Keys(folder).Except(BertConfigKeys));

        // What a trainer saves: the base folder's config.json carried over.
        var saved = Path.Combine(work, "saved");
        using (var encoder = SentenceEncoder.Load(folder)) encoder.Save(saved);
        Assert.Empty(Keys(saved).Except(BertConfigKeys));
        Assert.Subset(Keys(saved).ToHashSet(), Keys(folder).ToHashSet());
    }

    [Fact]
    public void AHeadSizeKeyFromAnOlderRqaIsDroppedOnSave()
    {
        // A model trained by an older rqa from a built-in base carries "HeadSize"; training it again must not pass it on.
        var older = Path.Combine(work, "old");
        Directory.CreateDirectory(older);
        foreach (var file in Directory.GetFiles(TestPaths.Fixture("bert-tiny"))) File.Copy(file, Path.Combine(older, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(older, "config.json")))!.AsObject();
        config["HeadSize"] = 8;
        File.WriteAllText(Path.Combine(older, "config.json"), config.ToJsonString());

        var saved = Path.Combine(work, "saved");
        using (var encoder = SentenceEncoder.Load(older)) encoder.Save(saved);
        Assert.Empty(Keys(saved).Except(BertConfigKeys));
    }
}
