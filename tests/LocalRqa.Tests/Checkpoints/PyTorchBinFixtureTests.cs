using LocalRqa.Checkpoints;
using LocalRqa.Modeling.Bert;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Checkpoints;

/// <summary>
/// Checkpoints written by real torch 2.11 (Fixtures/make_pytorch_fixtures.py): bert-tiny's weights as
/// pytorch_model.bin, sharded with an index, and tensors that share a storage.
/// </summary>
public sealed class PyTorchBinFixtureTests
{
    static string Fixtures => Path.Combine(TestPaths.RepoRoot, "tests", "LocalRqa.Tests", "Fixtures");

    public PyTorchBinFixtureTests() => TorchRuntime.Initialize();

    static Dictionary<string, HostTensor> SafetensorsWeights()
    {
        var file = SafetensorsFile.Open(Path.Combine(TestPaths.Fixture("bert-tiny"), CheckpointFolder.Safetensors));
        return file.Names.ToDictionary(n => n, file.Read);
    }

    [Theory]
    [InlineData("bert-tiny-pytorch")]
    [InlineData("bert-tiny-pytorch-sharded")]
    public void TorchSavedWeightsEqualTheSafetensorsBitForBit(string folder)
    {
        var checkpoint = CheckpointFolder.Open(Path.Combine(Fixtures, folder));
        var expected = SafetensorsWeights();
        Assert.Equal(expected.Keys.Order(), checkpoint.Names.Order());
        foreach (var (name, tensor) in expected)
        {
            var actual = checkpoint.Read(name);
            Assert.Equal(tensor.DType, actual.DType);
            Assert.Equal(tensor.Shape, actual.Shape);
            Assert.True(tensor.Data.AsSpan().SequenceEqual(actual.Data), $"{name} differs");
        }
    }

    [Fact]
    [Trait("Category", "ReferenceParity")]
    public void BertFromPyTorchBinMatchesTheReference()
    {
        var reference = new ReferenceFile(TestPaths.Fixture("bert-tiny"));
        using var model = BertModel.FromPretrained(Path.Combine(Fixtures, "bert-tiny-pytorch"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var batch = reference.Root["batch"]!;
        var hidden = model.forward(ReferenceFile.LongMatrix(batch["input_ids"]!), ReferenceFile.LongMatrix(batch["attention_mask"]!));
        ReferenceFile.AssertClose(ReferenceFile.FloatTensor(reference.Root["last_hidden_state"]!), hidden, reference.ToleranceAbs, "last_hidden_state");
    }

    [Fact]
    public void SharedStoragesViewsAndHalfPrecisionAreRebuilt()
    {
        var tensors = PyTorchBinReader.Read(Path.Combine(Fixtures, "views.pt"));
        // matrix = arange(12).reshape(3, 4); transposed = matrix.t(); row = matrix[1]; half = [1.5, -2.0] in float16.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), tensors["matrix"].ToFloats());
        Assert.Equal([4L, 3L], tensors["transposed"].Shape);
        Assert.Equal([0f, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], tensors["transposed"].ToFloats());
        Assert.Equal([4f, 5, 6, 7], tensors["row"].ToFloats());
        Assert.Equal(StoredDType.F16, tensors["half"].DType);
        Assert.Equal([1.5f, -2f], tensors["half"].ToFloats());
    }
}
