using LocalRqa.Encoders;
using LocalRqa.Runtime;
using TorchSharp;

namespace LocalRqa.Tests.Encoders;

public sealed class SentenceEncoderTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-encoder-").FullName;

    public SentenceEncoderTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(work, true);

    static readonly string[] Texts =
        ["How do I reset my password?", "What is a Faire showroom", "Retailers can't ship returns!", "unable to order for my brand, you"];

    [Fact]
    public void SavedFolderReloadsToIdenticalEmbeddingsAndSettings()
    {
        var settings = new EncoderOverrides { Pooling = PoolingType.Cls, Normalize = true, MaxLength = 32 };
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), settings);
        var saved = Path.Combine(work, "saved");
        encoder.Save(saved);
        using var reloaded = SentenceEncoder.Load(saved);

        Assert.Equal(encoder.Settings with { SimilarityFunction = "cosine" }, reloaded.Settings);
        var before = encoder.Encode(Texts, PromptKind.None);
        var after = reloaded.Encode(Texts, PromptKind.None);
        for (var i = 0; i < Texts.Length; i++) Assert.Equal(before[i], after[i]);
        foreach (var file in new[] { "config.json", "model.safetensors", "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json" })
            Assert.True(File.Exists(Path.Combine(saved, file)), file);
        Assert.Empty(Directory.GetDirectories(work, "*.saving-*"));
    }

    [Fact]
    public void SavingOverAnExistingFolderReplacesItWhole()
    {
        var saved = Path.Combine(work, "saved");
        using (var mean = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean }))
            mean.Save(saved);
        File.WriteAllText(Path.Combine(saved, "stale.txt"), "from an earlier save");
        using (var cls = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Cls }))
            cls.Save(saved);
        using var reloaded = SentenceEncoder.Load(saved);
        Assert.Equal(PoolingType.Cls, reloaded.Settings.Pooling);
        Assert.False(File.Exists(Path.Combine(saved, "stale.txt")));
        Assert.Equal(["saved"], Directory.GetFileSystemEntries(work).Select(Path.GetFileName));
    }

    [Fact]
    public void BatchingAndOrderDoNotChangeEmbeddings()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        var one = encoder.Encode(Texts, PromptKind.None, batchSize: 1);
        var all = encoder.Encode(Texts, PromptKind.None, batchSize: 4);
        // Padding and a row's place in the batch change only BLAS rounding: in a 2-layer, 128-wide float32 model
        // that is ~1e-7 relative per layer; 1e-5 absolute on components of magnitude ≤ 1 leaves a 10x margin.
        for (var i = 0; i < Texts.Length; i++)
            Tolerance.SameEmbedding(one[i], all[i], absolute: 1e-5, what: Texts[i]);
        // ...and it is a real check: different texts are far apart.
        Assert.True(Tolerance.MaxAbsDifference(all[0], all[1]) > 1e-2);
    }

    [Fact]
    public void RepeatedTextsGetBitIdenticalEmbeddings()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        // The copies of Texts[0] fall in different batches and rows; it is embedded once, so they are equal bits.
        string[] texts = [Texts[0], Texts[1], Texts[0], Texts[2], Texts[3], Texts[0]];
        var embeddings = encoder.Encode(texts, PromptKind.None, batchSize: 2);
        Assert.Equal(embeddings[0], embeddings[2]);
        Assert.Equal(embeddings[0], embeddings[5]);
        Assert.NotSame(embeddings[0], embeddings[2]); // each row is the caller's own array
        var alone = encoder.Encode([Texts[1], Texts[2], Texts[3]], PromptKind.None, batchSize: 2);
        // The distinct texts embed as without the copies (same batches up to rounding; see above for 1e-5).
        Tolerance.SameEmbedding(alone[0], embeddings[1], absolute: 1e-5);
        Tolerance.SameEmbedding(alone[2], embeddings[4], absolute: 1e-5);
    }

    [Fact]
    public void NoNativeTensorsSurviveEncoding()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        var many = Enumerable.Range(0, 50).Select(i => Texts[i % Texts.Length] + new string('!', i % 7)).ToArray();
        encoder.Encode(many, PromptKind.None, batchSize: 4);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var round = 0; round < 3; round++) encoder.Encode(many, PromptKind.None, batchSize: 4);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
