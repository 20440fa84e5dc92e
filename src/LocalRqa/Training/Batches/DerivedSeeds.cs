namespace LocalRqa.Training.Batches;

/// <summary>
/// Seeds derived from (seed, purpose, …) so that every random choice of CTL training is a pure function of the
/// run's seed and where it is: nothing but (seed, epoch, position) has to be saved to resume exactly.
/// h₀ = 0, h_{k+1} = splitmix64(h_k XOR part_k); the seed is the low 31 bits of the last h.
/// </summary>
internal static class DerivedSeeds
{
    internal const long Shuffle = 1;
    internal const long HardNegatives = 2;

    internal static int Derive(params long[] parts)
    {
        ulong h = 0;
        foreach (var part in parts) h = SplitMix64(h ^ unchecked((ulong)part));
        return (int)(h & 0x7FFF_FFFF);
    }

    /// <summary>Steele, Lea &amp; Flood's SplitMix64 step: add the golden gamma, then the variant-13 finaliser.</summary>
    static ulong SplitMix64(ulong z)
    {
        unchecked
        {
            z += 0x9E37_79B9_7F4A_7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            return z ^ (z >> 31);
        }
    }
}
