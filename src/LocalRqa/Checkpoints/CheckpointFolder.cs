namespace LocalRqa.Checkpoints;

/// <summary>Finds and opens the weights of a HuggingFace model folder, in the order transformers prefers.</summary>
internal static class CheckpointFolder
{
    public const string Safetensors = "model.safetensors";
    public const string SafetensorsIndex = "model.safetensors.index.json";
    public const string PyTorchBin = "pytorch_model.bin";
    public const string PyTorchBinIndex = "pytorch_model.bin.index.json";

    public static ICheckpointSource Open(string folder)
    {
        string At(string file) => Path.Combine(folder, file);
        if (File.Exists(At(Safetensors))) return SafetensorsFile.Open(At(Safetensors));
        if (File.Exists(At(SafetensorsIndex))) return new ShardedCheckpoint(At(SafetensorsIndex), SafetensorsFile.Open);
        if (File.Exists(At(PyTorchBin))) return OpenPyTorch(At(PyTorchBin));
        if (File.Exists(At(PyTorchBinIndex))) return new ShardedCheckpoint(At(PyTorchBinIndex), OpenPyTorch);
        throw new RqaException($"{folder}: no weights found (expected {Safetensors}, {SafetensorsIndex}, {PyTorchBin} or {PyTorchBinIndex})");
    }

    static ICheckpointSource OpenPyTorch(string path) => new InMemoryCheckpoint(PyTorchBinReader.Read(path), path);
}
