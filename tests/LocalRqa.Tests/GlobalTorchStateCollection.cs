namespace LocalRqa.Tests;

/// <summary>
/// Tests that set or replay libtorch's process-wide state (the default device, the default random generator)
/// run alone, never beside other tensor work that would draw from or see that state.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchStateCollection
{
    public const string Name = "global torch state";
}
