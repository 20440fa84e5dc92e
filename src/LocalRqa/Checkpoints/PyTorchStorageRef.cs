namespace LocalRqa.Checkpoints;

/// <summary>
/// A storage as torch.save references it: the persistent id ('storage', storage class, key, location, numel),
/// whose bytes live in the zip record <c>{prefix}/data/{key}</c>.
/// </summary>
internal sealed record PyTorchStorageRef(string Key, StoredDType DType, long Numel)
{
    public long ByteLength => Numel * HostTensor.ElementSize(DType);
}
