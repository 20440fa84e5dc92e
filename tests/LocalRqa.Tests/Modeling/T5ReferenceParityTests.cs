using LocalRqa.Checkpoints;
using LocalRqa.Modeling.T5;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Modeling;

/// <summary>
/// Our T5ForConditionalGeneration against outputs an independent implementation computed from the same
/// weights: a gated-gelu v1.1 model with its own lm_head, and a relu model with tied embeddings whose
/// checkpoint stores only `shared.weight`. Every shape comes from reference.json.
/// </summary>
[Trait("Category", "ReferenceParity")]
public class T5ReferenceParityTests
{
    public static TheoryData<string> Fixtures() => new("t5-v1_1-tiny", "t5-tiny-tied");

    public T5ReferenceParityTests() => TorchRuntime.Initialize();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EncoderLastHiddenStateMatchesTheReference(string fixture)
    {
        using var scope = NewDisposeScope();
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        var encoder = reference.Root["encoder"]!;
        using var _ = no_grad();
        var hidden = model.Encode(ReferenceFile.LongTensor(encoder["input_ids"]!), ReferenceFile.LongTensor(encoder["attention_mask"]!));
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(encoder["last_hidden_state"]!), hidden, reference.ToleranceAbs, $"{fixture} last_hidden_state");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DecoderLogitsMatchTheReference(string fixture)
    {
        using var scope = NewDisposeScope();
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        AssertLogitsMatch(model, reference, fixture);
    }

    [Fact]
    public void TiedCheckpointStoresOnlySharedWeight()
    {
        var folder = TestPaths.Fixture("t5-tiny-tied");
        var config = T5Config.Load(folder);
        Assert.True(config.TieWordEmbeddings);
        var names = CheckpointFolder.Open(folder).Names.ToList();
        Assert.Contains("shared.weight", names);
        Assert.DoesNotContain("lm_head.weight", names);
        Assert.DoesNotContain("encoder.embed_tokens.weight", names);
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        Assert.DoesNotContain("lm_head.weight", model.state_dict().Keys);
    }

    /// <summary>A checkpoint that also stores the aliases of `shared` (as older transformers saved) still loads strictly.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CheckpointWithEmbeddingAliasesLoads(bool keepShared)
    {
        var source = TestPaths.Fixture("t5-tiny-tied");
        var folder = Directory.CreateTempSubdirectory("rqa-t5-aliases-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            var checkpoint = CheckpointFolder.Open(source);
            var tensors = checkpoint.Names.ToDictionary(n => n, checkpoint.Read);
            var shared = tensors["shared.weight"];
            tensors["encoder.embed_tokens.weight"] = shared;
            tensors["decoder.embed_tokens.weight"] = shared;
            tensors["lm_head.weight"] = shared;
            if (!keepShared) tensors.Remove("shared.weight");
            SafetensorsFile.Write(Path.Combine(folder, CheckpointFolder.Safetensors), tensors);

            using var scope = NewDisposeScope();
            using var model = T5ForConditionalGeneration.FromPretrained(folder);
            AssertLogitsMatch(model, new ReferenceFile(source), "aliased t5-tiny-tied");
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void NonT5ConfigIsAClearError()
    {
        var folder = TestPaths.Fixture("bert-tiny");
        var e = Assert.Throws<RqaException>(() => T5ForConditionalGeneration.FromPretrained(folder));
        Assert.Contains(Path.Combine(folder, "config.json"), e.Message);
        Assert.Contains("model_type 'bert'", e.Message);
        Assert.Contains("T5 encoder-decoder", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void GreedyGenerationAgreesWithTeacherForcedArgmax()
    {
        using var scope = NewDisposeScope();
        var folder = TestPaths.Fixture("t5-v1_1-tiny");
        var encoderInputs = new ReferenceFile(folder).Root["encoder"]!;
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        var ids = ReferenceFile.LongTensor(encoderInputs["input_ids"]!);
        var mask = ReferenceFile.LongTensor(encoderInputs["attention_mask"]!);
        using var _ = no_grad();
        var states = model.Encode(ids, mask);
        var generated = model.Generate(states, mask, maxNewTokens: 6, stopAtEos: false); // [B, 7]
        Assert.Equal([ids.shape[0], 7L], generated.shape);
        Assert.True(generated[.., 0].eq(model.Config.DecoderStartTokenId).all().item<bool>());
        // Re-reading the generated prefix, each next token is the argmax of the previous position's logits. Generation
        // (one position at a time) and this re-read (all positions at once) round differently, so a near-tie could
        // flip the argmax: the chosen token's re-read logit must be the row's best within 1e-4 (the fixture's
        // tolerance_abs for logits of |·| ≤ 2.7; the fixture's actual top-two gap is ≥ 0.05).
        var logits = model.Decode(generated[.., ..^1], states, mask); // [B, 6, V]
        var chosen = logits.gather(-1, generated[.., 1..].unsqueeze(-1)).squeeze(-1); // [B, 6]
        var shortfall = (logits.max(-1).values - chosen).max().item<float>();
        Assert.True(shortfall <= 1e-4, $"a generated token's logit is {shortfall} below its position's best");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void StepwiseDecodingWithSelfAttentionCacheMatchesTheWholePrefix(string fixture)
    {
        using var scope = NewDisposeScope();
        var folder = TestPaths.Fixture(fixture);
        var reference = new ReferenceFile(folder);
        using var model = T5ForConditionalGeneration.FromPretrained(folder);
        var mask = ReferenceFile.LongTensor(reference.Root["encoder"]!["attention_mask"]!);
        var decoderIds = ReferenceFile.LongTensor(reference.Root["decoder"]!["decoder_input_ids"]!); // [B, T]
        using var _ = no_grad();
        using var cross = model.CrossKeyValues(model.Encode(ReferenceFile.LongTensor(reference.Root["encoder"]!["input_ids"]!), mask));
        var whole = model.Decode(decoderIds, cross, mask);
        using var cache = new T5SelfAttentionCache(model.DecoderLayerCount);
        var steps = Enumerable.Range(0, (int)decoderIds.shape[1])
            .Select(t => model.Decode(decoderIds[.., t..(t + 1)], cross, mask, null, cache)).ToList();
        Assert.Equal(decoderIds.shape[1], cache.Length);
        // One position per call vs all at once: other GEMM shapes round differently (bound per matmul over d_ff = 48
        // terms, |logits| ≤ 2.7: 48·1.2e-7·2.7 ≈ 1.6e-5, over 3 layers); the fixture's tolerance_abs (1e-4) covers it.
        ReferenceFile.AssertClose(whole, cat(steps, 1), reference.ToleranceAbs, $"{fixture} cached step-by-step logits");
    }

    static void AssertLogitsMatch(T5ForConditionalGeneration model, ReferenceFile reference, string what)
    {
        var encoder = reference.Root["encoder"]!;
        var decoder = reference.Root["decoder"]!;
        using var _ = no_grad();
        var logits = model.forward(ReferenceFile.LongTensor(encoder["input_ids"]!), ReferenceFile.LongTensor(encoder["attention_mask"]!),
            ReferenceFile.LongTensor(decoder["decoder_input_ids"]!));
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(decoder["logits"]!), logits, reference.ToleranceAbs, $"{what} logits");
    }
}
