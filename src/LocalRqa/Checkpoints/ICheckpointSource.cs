namespace LocalRqa.Checkpoints;

/// <summary>Named tensors of a checkpoint, read on demand so large models need not sit in memory twice.</summary>
internal interface ICheckpointSource
{
    IEnumerable<string> Names { get; }
    long[] Shape(string name);
    HostTensor Read(string name);
    /// <summary>The file or folder it came from, for error messages.</summary>
    string Description { get; }
}
