using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using LocalRqa.BuiltIn;

namespace LocalRqa.Tests.BuiltIn;

public sealed class BuiltInModelsTests : IDisposable
{
    private readonly string cacheRoot = Path.Combine(Path.GetTempPath(), "rqa-builtin-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(cacheRoot)) Directory.Delete(cacheRoot, recursive: true);
    }

    [Fact]
    public void UnknownIdsAreNotBuiltIn()
    {
        Assert.Null(BuiltInModels.TryGetFolder("bert-base-uncased", cacheRoot));
        Assert.Null(BuiltInModels.Find("Snowflake/snowflake-arctic-embed-m"));
        Assert.False(Directory.Exists(cacheRoot));
    }

    [Fact]
    public void IdsMatchCaseInsensitively() =>
        Assert.Same(BuiltInModels.All[1], BuiltInModels.Find("SENTENCE-TRANSFORMERS/all-minilm-l6-v2"));

    [Fact]
    public void BuildOutputCarriesThePackageAssembliesAsContent()
    {
        foreach (var model in BuiltInModels.All)
        {
            var path = Path.Combine(AppContext.BaseDirectory, BuiltInModels.AssemblyFolderName, model.AssemblyFileName);
            Assert.True(File.Exists(path), path);
            Assert.Equal(path, BuiltInModels.LocateAssembly(model));
        }
        // Copied, not referenced: the test process never loads them.
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name!.StartsWith("SentenceTransformers", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingPackageAssemblyIsAUserError()
    {
        var fake = BuiltInModels.All[0] with { PackageId = "SentenceTransformers.DoesNotExist" };
        var e = Assert.Throws<RqaException>(() => BuiltInModels.LocateAssembly(fake));
        Assert.Contains("SentenceTransformers.DoesNotExist.dll", e.Message);
    }

    [Fact]
    public void AModelWhosePackageIsAbsentResolvesLikeAHubId()
    {
        // The tool package leaves MiniLM out: unless converted earlier, its id goes on to the hub cache or a download.
        var absent = BuiltInModels.All[1] with { PackageId = "SentenceTransformers.DoesNotExist" };
        Assert.Null(BuiltInModels.TryGetFolder(absent, cacheRoot));
        Assert.DoesNotContain(absent, BuiltInModels.Available());
        Assert.Equal(BuiltInModels.All, BuiltInModels.Available());
    }

    [Fact]
    public void CacheRootFollowsRqaCacheThenXdgThenHome()
    {
        var env = new Dictionary<string, string?> { ["RQA_CACHE"] = "/r", ["XDG_CACHE_HOME"] = "/x" };
        Assert.Equal("/r", BuiltInModels.DefaultCacheRoot(k => env.GetValueOrDefault(k)));
        env["RQA_CACHE"] = "";
        Assert.Equal(Path.Combine("/x", "localrqa"), BuiltInModels.DefaultCacheRoot(k => env.GetValueOrDefault(k)));
        env.Clear();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "localrqa"), BuiltInModels.DefaultCacheRoot(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void ArcticConvertsOnceIntoACompleteFolder()
    {
        var folder = BuiltInModels.TryGetFolder("Snowflake/snowflake-arctic-embed-xs", cacheRoot)!;
        Assert.Equal(Path.Combine(Path.GetFullPath(cacheRoot), "builtin", "Snowflake--snowflake-arctic-embed-xs", "24.9.52193"), folder);
        AssertCompleteFolder(folder, pooling: "pooling_mode_cls_token", parameters: 101, maxSeqLength: 512);

        var prompts = Json(folder, "config_sentence_transformers.json");
        Assert.Equal("Represent this sentence for searching relevant passages: ", prompts.GetProperty("prompts").GetProperty("query").GetString());
        Assert.Equal(JsonValueKind.Null, prompts.GetProperty("default_prompt_name").ValueKind);
        Assert.Equal("cosine", prompts.GetProperty("similarity_fn_name").GetString());

        // Second call: the marker and weights are untouched and nothing is converted.
        var weights = Path.Combine(folder, "model.safetensors");
        var written = File.GetLastWriteTimeUtc(weights);
        var marker = File.GetLastWriteTimeUtc(Path.Combine(folder, BuiltInFolderWriter.CompletionMarker));
        var watch = Stopwatch.StartNew();
        Assert.Equal(folder, BuiltInModels.TryGetFolder("snowflake/SNOWFLAKE-arctic-embed-xs", cacheRoot));
        Assert.True(watch.ElapsedMilliseconds < 200, $"second call took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));
        Assert.Equal(marker, File.GetLastWriteTimeUtc(Path.Combine(folder, BuiltInFolderWriter.CompletionMarker)));
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!)); // no temp folders left
    }

    [Fact]
    public void ConcurrentFirstUsesPublishOneMiniLmFolder()
    {
        var results = new string?[2];
        Parallel.For(0, 2, i => results[i] = BuiltInModels.TryGetFolder("sentence-transformers/all-MiniLM-L6-v2", cacheRoot));
        Assert.NotNull(results[0]);
        Assert.Equal(results[0], results[1]);
        var folder = results[0]!;
        AssertCompleteFolder(folder, pooling: "pooling_mode_mean_tokens", parameters: 103, maxSeqLength: 256);
        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));

        var prompts = Json(folder, "config_sentence_transformers.json");
        Assert.Empty(prompts.GetProperty("prompts").EnumerateObject());
    }

    [Fact]
    public void AFolderWithoutMarkerIsReplaced()
    {
        var model = BuiltInModels.Find("sentence-transformers/all-MiniLM-L6-v2")!;
        var final = Path.Combine(cacheRoot, "builtin", model.CacheFolderName, model.PackageVersion);
        Directory.CreateDirectory(final);
        File.WriteAllText(Path.Combine(final, "config.json"), "{ broken");
        Assert.Equal(Path.GetFullPath(final), BuiltInModels.GetFolder(model, cacheRoot));
        Assert.Equal("bert", Json(final, "config.json").GetProperty("model_type").GetString());
    }

    [Fact]
    public void AFolderFromAnOlderConversionIsRedone()
    {
        var model = BuiltInModels.Find("sentence-transformers/all-MiniLM-L6-v2")!;
        var final = Path.Combine(cacheRoot, "builtin", model.CacheFolderName, model.PackageVersion);
        Directory.CreateDirectory(final);
        File.WriteAllText(Path.Combine(final, BuiltInFolderWriter.CompletionMarker), """{"conversion_version": 1}""");
        Assert.False(BuiltInFolderWriter.IsComplete(final));
        BuiltInModels.GetFolder(model, cacheRoot);
        Assert.True(BuiltInFolderWriter.IsComplete(final));
        Assert.Equal(BuiltInFolderWriter.ConversionVersion,
            Json(final, BuiltInFolderWriter.CompletionMarker).GetProperty("conversion_version").GetInt32());
    }

    private static void AssertCompleteFolder(string folder, string pooling, int parameters, int maxSeqLength)
    {
        foreach (var file in new[]
                 {
                     "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
                     "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json",
                     Path.Combine("1_Pooling", "config.json"), BuiltInFolderWriter.CompletionMarker,
                 })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        foreach (var json in Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories))
            JsonDocument.Parse(File.ReadAllText(json)).Dispose();

        var config = Json(folder, "config.json");
        Assert.Equal("BertModel", config.GetProperty("architectures")[0].GetString());
        Assert.Equal("bert", config.GetProperty("model_type").GetString());
        Assert.Equal(384, config.GetProperty("hidden_size").GetInt32());
        Assert.Equal(6, config.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(12, config.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(1536, config.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(30522, config.GetProperty("vocab_size").GetInt32());
        Assert.Equal(1e-12, config.GetProperty("layer_norm_eps").GetDouble());
        Assert.Equal(0, config.GetProperty("pad_token_id").GetInt32());

        var tokenizer = Json(folder, "tokenizer_config.json");
        Assert.True(tokenizer.GetProperty("do_lower_case").GetBoolean());
        Assert.Equal(512, tokenizer.GetProperty("model_max_length").GetInt32());
        Assert.Equal("BertTokenizer", tokenizer.GetProperty("tokenizer_class").GetString());

        var modules = Json(folder, "modules.json");
        Assert.Equal(["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"],
            modules.EnumerateArray().Select(m => m.GetProperty("type").GetString()));
        Assert.Equal("1_Pooling", modules[1].GetProperty("path").GetString());

        var poolingConfig = Json(folder, Path.Combine("1_Pooling", "config.json"));
        Assert.Equal(384, poolingConfig.GetProperty("word_embedding_dimension").GetInt32());
        Assert.True(poolingConfig.GetProperty(pooling).GetBoolean());
        Assert.Single(poolingConfig.EnumerateObject(), p => p.Name.StartsWith("pooling_mode_") && p.Value.GetBoolean());
        Assert.Equal(maxSeqLength, Json(folder, "sentence_bert_config.json").GetProperty("max_seq_length").GetInt32());

        Assert.Equal(30522, File.ReadAllLines(Path.Combine(folder, "vocab.txt")).Length);

        // safetensors: the header lists every parameter as F32 with data offsets covering the file.
        var bytes = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var tensors = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.Equal(parameters, tensors.Count);
        Assert.All(tensors, t => Assert.Equal("F32", t.Value.GetProperty("dtype").GetString()));
        Assert.Equal(bytes.Length - 8 - headerLength, tensors.Max(t => t.Value.GetProperty("data_offsets")[1].GetInt64()));
        Assert.Equal([384L, 384L], header.RootElement.GetProperty("encoder.layer.0.attention.self.query.weight").GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    private static JsonElement Json(string folder, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));
        return doc.RootElement.Clone();
    }
}
