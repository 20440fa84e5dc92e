namespace LocalRqa.Modeling.CausalLm;

/// <summary>Position interpolation (Chen et al. 2023): every angle divided by <paramref name="Factor"/>.</summary>
internal sealed record LinearRopeScaling(double Factor) : RopeScaling
{
    public override double[] Rescale(double[] inverseFrequencies) =>
        inverseFrequencies.Select(f => f / Factor).ToArray();
}
