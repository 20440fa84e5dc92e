namespace LocalRqa.Modeling.CausalLm;

/// <summary>Rotary position embedding (Su et al. 2021, RoFormer) over the first <see cref="Dims"/> of each head.</summary>
/// <param name="Dims">Rotated dimensions per head: head_dim, or head_dim × partial_rotary_factor (StableLM).</param>
/// <param name="Theta">rope_theta, the base of the frequency ladder.</param>
/// <param name="Scaling">rope_scaling, or null for the plain ladder.</param>
internal sealed record RotarySettings(int Dims, double Theta, RopeScaling? Scaling)
{
    /// <summary>
    /// inv_freq[i] = 1 / theta^(2i / Dims), i = 0 .. Dims/2 - 1, then rescaled. The exponent is formed in
    /// float32 as transformers does, so the angles agree with its to the last bit or so.
    /// </summary>
    public float[] InverseFrequencies()
    {
        var frequencies = new double[Dims / 2];
        for (var i = 0; i < frequencies.Length; i++)
        {
            var exponent = (float)(2 * i) / Dims;
            frequencies[i] = 1.0 / Math.Pow(Theta, exponent);
        }
        if (Scaling is not null) frequencies = Scaling.Rescale(frequencies);
        return frequencies.Select(f => (float)f).ToArray();
    }
}
