namespace LocalRqa.Training.Ctl;

/// <summary>
/// Where the CTL data loader stands: the next example to serve is number <see cref="Position"/> of epoch
/// <see cref="Epoch"/>'s permutation of the training set, which is derived from <see cref="Seed"/> and the
/// epoch alone. These three integers are the whole state a checkpoint has to keep.
/// </summary>
public readonly record struct CtlLoaderState(int Seed, int Epoch, int Position)
{
    public static CtlLoaderState Start(int seed) => new(seed, 0, 0);
}
