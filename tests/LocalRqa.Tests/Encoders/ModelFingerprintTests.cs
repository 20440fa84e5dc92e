using System.Text.Json.Nodes;
using LocalRqa.Encoders;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Encoders;

public sealed class ModelFingerprintTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-fingerprint-").FullName;

    public ModelFingerprintTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(work, true);

    string Copy(string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        foreach (var file in Directory.GetFiles(TestPaths.Fixture("bert-tiny"))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    static string Fingerprint(string folder)
    {
        using var encoder = SentenceEncoder.Load(folder);
        return ModelFingerprint.Of(encoder);
    }

    [Fact]
    public void SameModelSameFingerprintAnyChangeAnother()
    {
        var original = Fingerprint(Copy("a"));
        Assert.Equal(original, Fingerprint(Copy("b")));

        var config = Copy("config");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(config, "config.json")))!;
        json["layer_norm_eps"] = 1e-6;
        File.WriteAllText(Path.Combine(config, "config.json"), json.ToJsonString());
        Assert.NotEqual(original, Fingerprint(config));

        var vocab = Copy("vocab");
        File.Delete(Path.Combine(vocab, "tokenizer.json"));
        Assert.NotEqual(original, Fingerprint(vocab));

        using var encoder = SentenceEncoder.Load(Copy("weights"));
        using (no_grad()) encoder.Model.parameters().First().add_(1e-3f);
        Assert.NotEqual(original, ModelFingerprint.Of(encoder));
    }
}
