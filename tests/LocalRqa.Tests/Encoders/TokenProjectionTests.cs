using System.Text.Json.Nodes;
using LocalRqa.Encoders;
using LocalRqa.Runtime;

namespace LocalRqa.Tests.Encoders;

public sealed class TokenProjectionTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-projection-").FullName;

    public TokenProjectionTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(work, true);

    static readonly string[] Texts = ["How do I reset my password?", "What is a Faire showroom", "Retailers can't ship returns!"];

    static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void ProjectionChangesTheDimensionAndSurvivesSaveAndLoad()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean });
        var plain = encoder.Encode(Texts, PromptKind.None);
        encoder.AddProjection(7);
        Assert.Equal(7, encoder.Dimension);
        var projected = encoder.Encode(Texts, PromptKind.None);
        Assert.All(projected, e => Assert.Equal(7, e.Length));
        Assert.NotEqual(plain[0].Length, projected[0].Length);
        Assert.NotNull(encoder.SentenceTransformersCaveat);

        var saved = Path.Combine(work, "saved");
        encoder.Save(saved);
        using var reloaded = SentenceEncoder.Load(saved);
        Assert.NotNull(reloaded.Projection);
        Assert.Equal(7, reloaded.Dimension);
        var again = reloaded.Encode(Texts, PromptKind.None);
        for (var i = 0; i < Texts.Length; i++) Assert.Equal(projected[i], again[i]);

        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "modules.json")))!.AsArray();
        Assert.Equal(["sentence_transformers.models.Transformer", SentenceTransformersFolder.ProjectionModule, "sentence_transformers.models.Pooling"],
            modules.Select(m => m!["type"]!.GetValue<string>()));
        var pooling = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "1_Pooling", "config.json")))!;
        Assert.Equal(7, pooling["word_embedding_dimension"]!.GetValue<int>());
        using var bare = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"));
        Assert.NotEqual(ModelFingerprint.Of(reloaded), ModelFingerprint.Of(bare));

        // A trainer restoring a checkpoint gets the projection's trained weights back too.
        using var fresh = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean });
        fresh.AddProjection(7);
        fresh.LoadWeights(saved);
        Assert.Equal(projected[1], fresh.Encode(Texts, PromptKind.None)[1]);
    }

    [Fact]
    public void WithoutProjectionNothingChangesOnDisk()
    {
        using var encoder = SentenceEncoder.Load(TestPaths.Fixture("bert-tiny"), new EncoderOverrides { Pooling = PoolingType.Mean, Normalize = true });
        var saved = Path.Combine(work, "saved");
        encoder.Save(saved);
        Assert.Null(encoder.SentenceTransformersCaveat);
        Assert.DoesNotContain(Files(saved), f => f.StartsWith(TokenProjection.Folder, StringComparison.Ordinal));
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(saved, "modules.json")))!.AsArray();
        Assert.Equal(["0:", "1:1_Pooling", "2:2_Normalize"], modules.Select(m => $"{m!["idx"]}:{m["path"]}"));
        using var reloaded = SentenceEncoder.Load(saved);
        Assert.Null(reloaded.Projection);
    }
}
