namespace LocalRqa.Checkpoints;

// Placeholder replaced by the real reader (branch `pickle`).
public static class PyTorchBinReader
{
    public static Dictionary<string, HostTensor> Read(string path) =>
        throw new RqaException($"{path}: pytorch_model.bin is not supported yet");
}
