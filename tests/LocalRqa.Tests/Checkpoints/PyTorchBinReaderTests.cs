using LocalRqa.Checkpoints;
using LocalRqa.Tests.Pickles;

namespace LocalRqa.Tests.Checkpoints;

public sealed class PyTorchBinReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rqa-torch-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathOf(string name) => Path.Combine(dir, name);

    [Fact]
    public void ReadsFloat32Tensor()
    {
        var path = PathOf("f32.bin");
        new TorchCheckpointWriter().Storage("0", [1, 2, 3, 4, 5, 6]).Tensor("encoder.weight", "0", 2, 3).Save(path);

        var tensor = Assert.Single(PyTorchBinReader.Read(path)).Value;

        Assert.Equal(StoredDType.F32, tensor.DType);
        Assert.Equal([2L, 3L], tensor.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], tensor.ToFloats());
    }

    [Fact]
    public void ReadsFloat16Parameter()
    {
        var path = PathOf("f16.bin");
        new TorchCheckpointWriter().HalfStorage("0", [0.5f, -2f, 65504f])
            .Tensor("bias", "0", 0, [3], [1], parameter: true).Save(path);

        var tensor = PyTorchBinReader.Read(path)["bias"];

        Assert.Equal(StoredDType.F16, tensor.DType);
        Assert.Equal([0.5f, -2f, 65504f], tensor.ToFloats());
    }

    [Fact]
    public void GathersTransposedViewWithStorageOffset()
    {
        // storage = [99, 0, 1, 2, 3, 4, 5]; t = storage[1:].view(2, 3).t(): size (3, 2), stride (1, 3), offset 1
        var path = PathOf("view.bin");
        new TorchCheckpointWriter().Storage("0", [99, 0, 1, 2, 3, 4, 5])
            .Tensor("t", "0", offset: 1, size: [3, 2], stride: [1, 3]).Save(path);

        var tensor = PyTorchBinReader.Read(path)["t"];

        Assert.Equal([3L, 2L], tensor.Shape);
        Assert.Equal([0f, 3, 1, 4, 2, 5], tensor.ToFloats());
    }

    [Fact]
    public void GathersStridedInnerDimension()
    {
        // x = storage.view(2, 4)[:, ::2]: size (2, 2), stride (4, 2)
        var path = PathOf("step.bin");
        new TorchCheckpointWriter().Storage("0", [0, 1, 2, 3, 4, 5, 6, 7])
            .Tensor("x", "0", offset: 0, size: [2, 2], stride: [4, 2]).Save(path);

        Assert.Equal([0f, 2, 4, 6], PyTorchBinReader.Read(path)["x"].ToFloats());
    }

    [Fact]
    public void TensorsSharingAStorageGetTheirOwnData()
    {
        // Tied weights: "a" is the whole (2, 3) storage, "b" its second row, "c" its first column.
        var path = PathOf("shared.bin");
        new TorchCheckpointWriter().Storage("0", [1, 2, 3, 4, 5, 6])
            .Tensor("a", "0", 2, 3)
            .Tensor("b", "0", offset: 3, size: [3], stride: [1])
            .Tensor("c", "0", offset: 0, size: [2], stride: [3])
            .Save(path);

        var state = PyTorchBinReader.Read(path);

        Assert.Equal([1f, 2, 3, 4, 5, 6], state["a"].ToFloats());
        Assert.Equal([4f, 5, 6], state["b"].ToFloats());
        Assert.Equal([1f, 4], state["c"].ToFloats());
        Assert.NotSame(state["a"].Data, state["b"].Data);
    }

    [Fact]
    public void ReadsScalarAndEmptyTensors()
    {
        var path = PathOf("scalar.bin");
        new TorchCheckpointWriter().Storage("0", [7]).Storage("1", [])
            .Tensor("scalar", "0", offset: 0, size: [], stride: [])
            .Tensor("empty", "1", offset: 0, size: [0, 4], stride: [4, 1]).Save(path);

        var state = PyTorchBinReader.Read(path);

        Assert.Equal([7f], state["scalar"].ToFloats());
        Assert.Empty(state["scalar"].Shape);
        Assert.Empty(state["empty"].Data);
    }

    [Fact]
    public void RefusesViewOutsideItsStorage()
    {
        var path = PathOf("outside.bin");
        new TorchCheckpointWriter().Storage("0", [1, 2, 3]).Tensor("x", "0", offset: 2, size: [2], stride: [1]).Save(path);

        var ex = Assert.Throws<RqaException>(() => PyTorchBinReader.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("outside its storage", ex.Message);
    }

    [Fact]
    public void RefusesMissingStorageRecord()
    {
        var path = PathOf("missing-record.bin");
        var pickle = new TorchCheckpointWriter().Storage("0", [1, 2]).Tensor("x", "0", 2).Pickle();
        TorchCheckpointWriter.WriteZip(path, pickle);

        var ex = Assert.Throws<RqaException>(() => PyTorchBinReader.Read(path));
        Assert.Contains("data/0 is missing", ex.Message);
    }

    [Theory]
    [InlineData("os", "system", false)]
    [InlineData("builtins", "eval", true)]
    [InlineData("torch", "load", false)]
    public void RefusesCodeReferencesWithoutRunningThem(string module, string name, bool stackGlobal)
    {
        var marker = PathOf("pwned");
        var w = new PickleWriter().Proto(stackGlobal ? 4 : 2);
        if (stackGlobal) w.Str(module, shortForm: true).Memoize().Str(name, shortForm: true).Memoize().StackGlobal();
        else w.Global(module, name);
        var pickle = w.Str($"open('{marker}', 'w')").Tuple1().Reduce().Stop().ToArray();
        var path = PathOf("evil.bin");
        TorchCheckpointWriter.WriteZip(path, pickle);

        var ex = Assert.Throws<RqaException>(() => PyTorchBinReader.Read(path));

        Assert.Equal($"refusing to load {path}: it references {module}.{name}, which is not allowed", ex.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void ExplainsLegacyFormat()
    {
        // torch < 1.6 wrote a bare pickle stream: PROTO 2 then the magic number 0x1950a86a20f9469cfc6c as LONG1.
        var path = PathOf("legacy.bin");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);

        var ex = Assert.Throws<RqaException>(() => PyTorchBinReader.Read(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("legacy", ex.Message);
        Assert.Contains("re-save", ex.Message);
    }

    [Fact]
    public void NamesMissingAndForeignFiles()
    {
        var missing = PathOf("nope.bin");
        Assert.Equal($"{missing} does not exist", Assert.Throws<RqaException>(() => PyTorchBinReader.Read(missing)).Message);

        var text = PathOf("text.bin");
        File.WriteAllText(text, "hello");
        Assert.Contains(text, Assert.Throws<RqaException>(() => PyTorchBinReader.Read(text)).Message);
    }

    [Fact]
    public void RefusesCheckpointThatIsNotAStateDict()
    {
        // {"epoch": 3} pickled into a torch zip: a training checkpoint, not a state dict of tensors.
        var path = PathOf("epoch.bin");
        TorchCheckpointWriter.WriteZip(path, new PickleWriter().Proto(2).EmptyDict().Str("epoch").Int(3).SetItem().Stop().ToArray());

        var ex = Assert.Throws<RqaException>(() => PyTorchBinReader.Read(path));
        Assert.Contains("'epoch' is not a tensor", ex.Message);
    }
}
