namespace LocalRqa.Checkpoints;

/// <summary>A checkpoint already in memory (pytorch_model.bin, converted ONNX weights, tests).</summary>
internal sealed class InMemoryCheckpoint(IReadOnlyDictionary<string, HostTensor> tensors, string description) : ICheckpointSource
{
    public IEnumerable<string> Names => tensors.Keys;
    public long[] Shape(string name) => tensors[name].Shape;
    public HostTensor Read(string name) => tensors[name];
    public string Description => description;
}
