using System.Buffers.Binary;
using System.Text;
using LocalRqa.Checkpoints;
using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Checkpoints;

public sealed class SafetensorsFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("rqa-st-").FullName;

    public SafetensorsFileTests() => TorchRuntime.Initialize();
    public void Dispose() => Directory.Delete(folder, true);

    static string Source => TestPaths.Fixture("bert-tiny");

    /// <summary>bert-tiny's weights as a dictionary, to alter before writing a test folder.</summary>
    static Dictionary<string, HostTensor> FixtureWeights()
    {
        var weights = SafetensorsFile.Open(Path.Combine(Source, CheckpointFolder.Safetensors));
        return weights.Names.ToDictionary(n => n, weights.Read);
    }

    /// <summary>A model folder with bert-tiny's config.json and the given weights.</summary>
    string ModelFolder(string name, IReadOnlyDictionary<string, HostTensor> tensors)
    {
        var target = Path.Combine(folder, name);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(Source, "config.json"), Path.Combine(target, "config.json"));
        SafetensorsFile.Write(Path.Combine(target, CheckpointFolder.Safetensors), tensors);
        return target;
    }

    static HostTensor Bytes(StoredDType dtype, long[] shape, params byte[] data) => new(dtype, shape, data);

    [Fact]
    public void WriteThenReadIsExactForEveryDType()
    {
        var tensors = new Dictionary<string, HostTensor>
        {
            ["b.f32"] = HostTensor.FromFloats([1.5f, -2.25f, float.Epsilon, float.MaxValue], 2, 2),
            ["a.f16"] = Bytes(StoredDType.F16, [2], 0x00, 0x3C, 0x00, 0xC0), // 1.0, -2.0
            ["c.i64"] = Bytes(StoredDType.I64, [1], 7, 0, 0, 0, 0, 0, 0, 0),
        };
        var path = Path.Combine(folder, "t.safetensors");
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["a.f16", "b.f32", "c.i64"], file.Names.Order());
        foreach (var (name, tensor) in tensors)
        {
            var read = file.Read(name);
            Assert.Equal(tensor.DType, read.DType);
            Assert.Equal(tensor.Shape, read.Shape);
            Assert.Equal(tensor.Data, read.Data);
        }
        Assert.Equal([1f, -2f], file.Read("a.f16").ToFloats());

        // Layout facts of the format: 8-byte length, JSON header padded so data starts 8-byte aligned.
        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.StartsWith("{", Encoding.UTF8.GetString(bytes, 8, 1));
        Assert.Equal(8 + headerLength + 16 + 4 + 8, bytes.Length);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*"));
    }

    [Fact]
    public void TruncatedFileIsAClearError()
    {
        var path = Path.Combine(folder, "model.safetensors");
        SafetensorsFile.Write(path, new Dictionary<string, HostTensor> { ["w"] = HostTensor.FromFloats(new float[100], 10, 10) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^50]);
        var e = Assert.Throws<RqaException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than its 8-byte header length")]
    [InlineData(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 1 }, "header length")]
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', (byte)'x', (byte)'x' }, "not valid JSON")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'[', (byte)']' }, "not a JSON object")]
    public void CorruptHeadersAreClearErrors(byte[] content, string expected)
    {
        var path = Path.Combine(folder, "bad.safetensors");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<RqaException>(() => SafetensorsFile.Open(path));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("""{"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}""", "dtype F8_E4M3")]
    [InlineData("""{"w": {"dtype": "F32", "shape": "big", "data_offsets": [0, 4]}}""", "no valid shape")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", "not contiguous")]
    [InlineData("""{"__metadata__": [1]}""", "__metadata__ is not an object")]
    public void MalformedHeaderEntriesAreNamed(string header, string expected)
    {
        var path = Path.Combine(folder, "entry.safetensors");
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<RqaException>(() => SafetensorsFile.Open(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ShardedIndexJoinsShards()
    {
        SafetensorsFile.Write(Path.Combine(folder, "model-00001-of-00002.safetensors"),
            new Dictionary<string, HostTensor> { ["a"] = HostTensor.FromFloats([1f], 1) });
        SafetensorsFile.Write(Path.Combine(folder, "model-00002-of-00002.safetensors"),
            new Dictionary<string, HostTensor> { ["b"] = HostTensor.FromFloats([2f, 3f], 2) });
        File.WriteAllText(Path.Combine(folder, CheckpointFolder.SafetensorsIndex),
            """{"metadata": {"total_size": 12}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");
        var checkpoint = CheckpointFolder.Open(folder);
        Assert.Equal([2f, 3f], checkpoint.Read("b").ToFloats());
        Assert.Equal([1L], checkpoint.Shape("a"));
    }

    [Fact]
    public void BertSaveLoadRoundTripIsBitExact()
    {
        var source = TestPaths.Fixture("bert-tiny");
        using var model = BertModel.FromPretrained(source);
        var saved = Path.Combine(folder, "saved");
        Directory.CreateDirectory(saved);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(saved, "config.json"));
        SafetensorsFile.Write(Path.Combine(saved, CheckpointFolder.Safetensors), StateDictLoader.ToHost(model));
        using var reloaded = BertModel.FromPretrained(saved);

        var original = SafetensorsFile.Open(Path.Combine(source, CheckpointFolder.Safetensors));
        var copy = SafetensorsFile.Open(Path.Combine(saved, CheckpointFolder.Safetensors));
        Assert.Equal(original.Names.Order(), copy.Names.Order());
        foreach (var name in original.Names) Assert.Equal(original.Read(name).Data, copy.Read(name).Data);
        foreach (var (name, tensor) in reloaded.state_dict())
            Assert.Equal(model.state_dict()[name].data<float>().ToArray(), tensor.data<float>().ToArray());
    }

    [Fact]
    public void MissingUnexpectedAndMisshapenWeightsAreNamed()
    {
        var all = FixtureWeights();
        string LoadError(Dictionary<string, HostTensor> tensors) =>
            Assert.Throws<RqaException>(() => BertModel.FromPretrained(ModelFolder(Guid.NewGuid().ToString("N"), tensors))).Message;

        var missing = new Dictionary<string, HostTensor>(all);
        missing.Remove("encoder.layer.1.output.dense.bias");
        Assert.Contains("missing weights 'encoder.layer.1.output.dense.bias'", LoadError(missing));

        var extra = new Dictionary<string, HostTensor>(all) { ["encoder.layer.7.output.dense.bias"] = all["encoder.layer.1.output.dense.bias"] };
        Assert.Contains("unexpected weights 'encoder.layer.7.output.dense.bias'", LoadError(extra));

        var misshapen = new Dictionary<string, HostTensor>(all) { ["embeddings.LayerNorm.weight"] = HostTensor.FromFloats(new float[5], 5) };
        Assert.Contains("weight 'embeddings.LayerNorm.weight' has shape [5]", LoadError(misshapen));

        // Known harmless extras are accepted: pre-training and classification heads, position_ids, `bert.`
        // prefixes, gamma/beta.
        var legacy = all.ToDictionary(kv => "bert." + kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"), kv => kv.Value);
        legacy["cls.predictions.bias"] = HostTensor.FromFloats(new float[38], 38);
        legacy["classifier.bias"] = HostTensor.FromFloats(new float[2], 2);
        legacy["bert.embeddings.position_ids"] = new HostTensor(StoredDType.I64, [1, 64], new byte[64 * 8]);
        using var model = BertModel.FromPretrained(ModelFolder("legacy", legacy));
        Assert.True(model.HasPooler);
    }

    [Fact]
    public void HalfPrecisionWeightsLoadAsTheirFloatValues()
    {
        var half = FixtureWeights().ToDictionary(kv => kv.Key, kv =>
        {
            var values = kv.Value.ToFloats();
            var bytes = new byte[values.Length * 2];
            for (var i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (Half)values[i]);
            return new HostTensor(StoredDType.F16, kv.Value.Shape, bytes);
        });
        using var model = BertModel.FromPretrained(ModelFolder("half", half));
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            Assert.Equal(half[name].ToFloats(), tensor.data<float>().ToArray());
        }
    }

    [Fact]
    public void IntegerWeightsForFloatParametersAreRefused()
    {
        var tensors = FixtureWeights();
        tensors["pooler.dense.bias"] = new HostTensor(StoredDType.I32, [48], new byte[48 * 4]);
        var e = Assert.Throws<RqaException>(() => BertModel.FromPretrained(ModelFolder("ints", tensors)));
        Assert.Contains("'pooler.dense.bias' is stored as I32", e.Message);
    }

    [Fact]
    public void CheckpointWithoutPoolerBuildsNone()
    {
        var weights = FixtureWeights().Where(kv => !kv.Key.StartsWith("pooler.")).ToDictionary();
        using var model = BertModel.FromPretrained(ModelFolder("nopooler", weights));
        Assert.False(model.HasPooler);
    }

    [Fact]
    public void FolderWithoutWeightsIsAClearError()
    {
        File.Copy(Path.Combine(TestPaths.Fixture("bert-tiny"), "config.json"), Path.Combine(folder, "config.json"));
        var e = Assert.Throws<RqaException>(() => BertModel.FromPretrained(folder));
        Assert.Contains("no weights found", e.Message);
    }
}
