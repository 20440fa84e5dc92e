namespace LocalRqa.Modeling.CausalLm;

/// <summary>
/// Llama 3.1's frequency-dependent scaling: with wavelength λ = 2π / f and the original context C,
/// λ &lt; C / high_freq_factor keeps f (high frequencies); λ &gt; C / low_freq_factor divides it by the factor
/// (low frequencies); in between f' = (1 − s)·f/factor + s·f with s = (C/λ − low) / (high − low).
/// </summary>
internal sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, double OriginalMaxPositionEmbeddings)
    : RopeScaling
{
    public override double[] Rescale(double[] inverseFrequencies)
    {
        var lowFrequencyWavelength = OriginalMaxPositionEmbeddings / LowFreqFactor;
        var highFrequencyWavelength = OriginalMaxPositionEmbeddings / HighFreqFactor;
        return inverseFrequencies.Select(f =>
        {
            var wavelength = 2 * Math.PI / f;
            if (wavelength < highFrequencyWavelength) return f;
            if (wavelength > lowFrequencyWavelength) return f / Factor;
            var smooth = (OriginalMaxPositionEmbeddings / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
            return (1 - smooth) * f / Factor + smooth * f;
        }).ToArray();
    }
}
