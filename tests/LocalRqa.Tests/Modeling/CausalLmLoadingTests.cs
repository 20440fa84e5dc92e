using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>Choosing the family from config.json, strict loading, tied embeddings, and the config switches.</summary>
public class CausalLmLoadingTests : IDisposable
{
    readonly string llama = TestPaths.Fixture("llama-tiny");
    readonly string qwen2 = TestPaths.Fixture("qwen2-tiny");
    readonly string stableLm = TestPaths.Fixture("stablelm-tiny");
    readonly string temp = Path.Combine(Path.GetTempPath(), $"rqa-causallm-{Guid.NewGuid():N}");

    public CausalLmLoadingTests() => TorchRuntime.Initialize();

    public void Dispose()
    {
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
    }

    [Theory]
    [InlineData("bert-tiny")]
    [InlineData("t5-v1_1-tiny")]
    public void AnUnsupportedArchitectureIsAOneLineErrorListingTheSupportedOnes(string fixture)
    {
        var error = Assert.Throws<RqaException>(() => CausalLanguageModel.FromPretrained(TestPaths.Fixture(fixture)));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("config.json", error.Message);
        foreach (var supported in new[] { "llama", "mistral", "qwen2", "stablelm" })
            Assert.Contains(supported, error.Message);
    }

    [Fact]
    public void AKnownModelTypeWithAnotherHeadIsRefused()
    {
        var folder = EditedConfig(llama, config => config["architectures"] = new JsonArray("LlamaForSequenceClassification"));
        var error = Assert.Throws<RqaException>(() => CausalLanguageModel.FromPretrained(folder));
        Assert.Contains("LlamaForSequenceClassification", error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void TheFamilyIsChosenByModelTypeOrElseByArchitecture()
    {
        Assert.IsType<LlamaFamily>(Family(new CausalLmConfig { ModelType = "mistral" }));
        Assert.IsType<Qwen2Family>(Family(new CausalLmConfig { ModelType = "qwen2" }));
        Assert.IsType<StableLmFamily>(Family(new CausalLmConfig { Architectures = ["StableLmForCausalLM"] }));

        static CausalLmFamily Family(CausalLmConfig config) => CausalLmFamily.Find(config, "config.json");
    }

    [Fact]
    public void ATiedCheckpointWithoutLmHeadLoadsAndProjectsWithTheEmbeddings()
    {
        // qwen2-tiny is stored that way; llama-tiny's weights with lm_head removed and tying switched on too.
        var settings = CausalLmFamily.LoadSettings(qwen2);
        Assert.True(settings.TieWordEmbeddings);
        Assert.DoesNotContain("lm_head.weight", CheckpointFolder.Open(qwen2).Names);
        using var fromFolder = CausalLanguageModel.FromPretrained(qwen2);
        AssertProjectsWithEmbeddings(fromFolder, CausalLmFixtures.Tensors(qwen2));

        var tensors = CausalLmFixtures.Tensors(llama);
        tensors.Remove("lm_head.weight");
        using var tied = CausalLmFixtures.Load(CausalLmFamily.LoadSettings(llama) with { TieWordEmbeddings = true }, tensors);
        AssertProjectsWithEmbeddings(tied, tensors);
        Assert.DoesNotContain(tied.state_dict().Keys, k => k.StartsWith("lm_head", StringComparison.Ordinal));
    }

    [Fact]
    public void ATiedCheckpointThatAlsoStoresLmHeadLoads()
    {
        var tensors = CausalLmFixtures.Tensors(llama);
        using var tied = CausalLmFixtures.Load(CausalLmFamily.LoadSettings(llama) with { TieWordEmbeddings = true }, tensors);
        AssertProjectsWithEmbeddings(tied, tensors);
    }

    [Fact]
    public void AnUntiedCheckpointWithoutLmHeadIsAMissingWeightError()
    {
        var tensors = CausalLmFixtures.Tensors(llama);
        tensors.Remove("lm_head.weight");
        var error = Assert.Throws<RqaException>(() => CausalLmFixtures.Load(CausalLmFamily.LoadSettings(llama), tensors));
        Assert.Contains("missing weights 'lm_head.weight'", error.Message);
    }

    [Fact]
    public void StoredRotaryInverseFrequenciesOfOlderCheckpointsAreIgnored()
    {
        var tensors = CausalLmFixtures.Tensors(llama);
        tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = HostTensor.FromFloats(new float[4], 4);
        using var model = CausalLmFixtures.Load(CausalLmFamily.LoadSettings(llama), tensors);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("inv_freq"));
    }

    [Fact]
    public void AnUnexpectedWeightIsAnError()
    {
        var tensors = CausalLmFixtures.Tensors(llama);
        tensors["model.layers.0.self_attn.o_proj.bias"] = HostTensor.FromFloats(new float[4], 4);
        var error = Assert.Throws<RqaException>(() => CausalLmFixtures.Load(CausalLmFamily.LoadSettings(llama), tensors));
        Assert.Contains("unexpected weights", error.Message);
    }

    [Fact]
    public void LoadedModelsAreFrozenAndInEvalMode()
    {
        using var model = CausalLanguageModel.FromPretrained(llama);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(model.training);
    }

    [Fact]
    public void StateDictNamesFollowTheFamilySwitches()
    {
        var settings = CausalLmFamily.LoadSettings(stableLm) with { QkLayerNorm = true, ParallelResidual = true, QkvBias = true };
        using var model = new CausalLanguageModel(settings);
        var names = model.state_dict().Keys.ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_layernorm.norms.0.weight", names);
        Assert.Contains($"model.layers.0.self_attn.k_layernorm.norms.{settings.KeyValueHeads - 1}.weight", names);
        Assert.DoesNotContain("model.layers.0.self_attn.q_layernorm.norms.0.bias", names);
        Assert.DoesNotContain(names, n => n.Contains("post_attention_layernorm"));
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", names);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", names);
        Assert.Contains("model.norm.bias", names);
        Assert.Contains("lm_head.weight", names);

        var qwen = CausalLmFamily.LoadSettings(qwen2);
        Assert.True(qwen.QkvBias);
        Assert.False(qwen.OutputBias);
        Assert.Equal(qwen.HeadDim, qwen.Rotary.Dims);
    }

    [Fact]
    public void StableLmRotatesOnlyItsPartialRotaryShare()
    {
        var settings = CausalLmFamily.LoadSettings(stableLm);
        Assert.Equal(NormalizationKind.LayerNorm, settings.Normalization);
        Assert.Equal((int)(settings.HeadDim * 0.25), settings.Rotary.Dims); // the fixture's partial_rotary_factor
        Assert.True(settings.Rotary.Dims < settings.HeadDim);
    }

    [Fact]
    public void HeadDimFromTheConfigOverridesHiddenSizeOverHeads()
    {
        var config = new CausalLmConfig { ModelType = "llama", HiddenSize = 48, NumAttentionHeads = 6, NumKeyValueHeads = 2, HeadDim = 16, IntermediateSize = 8, VocabSize = 10, NumHiddenLayers = 1 };
        var settings = CausalLmFamily.Find(config, "config.json").Resolve(config, "config.json");
        using var model = new CausalLanguageModel(settings);
        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal([6 * 16, 48], shapes["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal([2 * 16, 48], shapes["model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([48, 6 * 16], shapes["model.layers.0.self_attn.o_proj.weight"]);
    }

    [Fact]
    public void AttentionAndMlpBiasSwitchesAddBiases()
    {
        var config = new CausalLmConfig { ModelType = "llama", HiddenSize = 8, NumAttentionHeads = 2, IntermediateSize = 8, VocabSize = 10, NumHiddenLayers = 1, AttentionBias = true, MlpBias = true };
        using var model = new CausalLanguageModel(CausalLmFamily.Find(config, "config.json").Resolve(config, "config.json"));
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var projection in new[] { "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj" })
            Assert.Contains($"model.layers.0.{projection}.bias", names);
    }

    [Fact]
    public void UnsupportedRopeScalingIsAClearError()
    {
        var folder = EditedConfig(llama, config => config["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 4.0 });
        var error = Assert.Throws<RqaException>(() => CausalLanguageModel.FromPretrained(folder));
        Assert.Contains("rope_scaling type 'yarn' is not supported", error.Message);
        Assert.Contains("llama3", error.Message);
    }

    [Fact]
    public void Llama3RopeScalingKeepsHighDividesLowAndBlendsMiddleFrequencies()
    {
        // C = 8192, factor 8, low 1, high 4: λ < 2048 keeps f, λ > 8192 gives f/8, and λ = 4096 has
        // s = (8192/4096 − 1) / (4 − 1) = 1/3, so f' = (2/3)·f/8 + (1/3)·f = 5f/12.
        var scaling = new Llama3RopeScaling(8, 1, 4, 8192);
        double[] frequencies = [2 * Math.PI / 100, 2 * Math.PI / 10000, 2 * Math.PI / 4096];
        var scaled = scaling.Rescale(frequencies);
        // Pure C# double arithmetic, a handful of operations: a few ulps (~1e-16 relative); 1e-12 relative, not rounding.
        Tolerance.Close(frequencies[0], scaled[0], 1e-12, what: "kept frequency");
        Tolerance.Close(frequencies[1] / 8, scaled[1], 1e-12, what: "divided frequency");
        Tolerance.Close(frequencies[2] * 5 / 12, scaled[2], 1e-12, what: "blended frequency");
    }

    [Fact]
    public void RopeScalingIsReadFromTheConfig()
    {
        var linear = RopeScaling.FromConfig(new JsonObject { ["type"] = "linear", ["factor"] = 2.0 }, "config.json");
        Assert.Equal(new LinearRopeScaling(2), linear);
        Assert.Null(RopeScaling.FromConfig(new JsonObject { ["rope_type"] = "default" }, "config.json"));
        var error = Assert.Throws<RqaException>(() => RopeScaling.FromConfig(new JsonObject { ["rope_type"] = "llama3", ["factor"] = 8.0 }, "config.json"));
        Assert.Contains("low_freq_factor", error.Message);
    }

    [Fact]
    public void MistralSlidingWindowHidesKeysOutsideTheWindow()
    {
        // With window 2, position 1 still sees positions 0 and 1 (as full attention does); position 2 loses 0.
        var settings = CausalLmFamily.LoadSettings(llama);
        var tensors = CausalLmFixtures.Tensors(llama);
        using var full = CausalLmFixtures.Load(settings, tensors);
        using var windowed = CausalLmFixtures.Load(settings with { SlidingWindow = 2 }, tensors);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        var mask = ones_like(ids);
        var expected = full.forward(ids, mask);
        var actual = windowed.forward(ids, mask);
        ReferenceFile.AssertClose(expected.narrow(1, 0, 2), actual.narrow(1, 0, 2), 1e-5, "positions inside the window");
        Assert.True((expected.narrow(1, 2, 2) - actual.narrow(1, 2, 2)).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void OnlyFloat32AndBFloat16WeightsAreAccepted()
    {
        var error = Assert.Throws<RqaException>(() => CausalLanguageModel.FromPretrained(llama, ScalarType.Float16));
        Assert.Contains("bfloat16", error.Message);
    }

    static void AssertProjectsWithEmbeddings(CausalLanguageModel model, Dictionary<string, HostTensor> tensors)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 5, 7 }).unsqueeze(0);
        var hidden = model.HiddenStates(ids, ones_like(ids));
        var embeddings = StateDictLoader.ToTensor(tensors["model.embed_tokens.weight"]);
        ReferenceFile.AssertClose(matmul(hidden, embeddings.t()), model.forward(ids, ones_like(ids)), 1e-5, "tied logits");
    }

    string EditedConfig(string fixture, Action<JsonObject> edit)
    {
        Directory.CreateDirectory(temp);
        foreach (var file in Directory.GetFiles(fixture)) File.Copy(file, Path.Combine(temp, Path.GetFileName(file)));
        var path = Path.Combine(temp, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return temp;
    }
}
