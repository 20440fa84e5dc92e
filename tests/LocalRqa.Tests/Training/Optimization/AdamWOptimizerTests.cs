using LocalRqa.Runtime;
using LocalRqa.Training.Optimization;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Training.Optimization;

[Collection(GlobalTorchStateCollection.Name)]
public sealed class AdamWOptimizerTests
{
    public AdamWOptimizerTests() => TorchRuntime.Initialize();

    /// <summary>One weight and one bias each in a decayed (dense) and an undecayed (LayerNorm) module.</summary>
    static TinyNormModel StartingModel()
    {
        var model = new TinyNormModel(inputs: 1, outputs: 1);
        model.Set("dense.weight", 2f);
        model.Set("dense.bias", 1f);
        model.Set("LayerNorm.weight", 2f);
        model.Set("LayerNorm.bias", 1f);
        return model;
    }

    [Fact]
    public void OneStepMatchesHandComputedAdamW()
    {
        using var scope = NewDisposeScope();
        using var model = StartingModel();
        using var optimizer = AdamWOptimizer.Create(model, new AdamWSettings(LearningRate: 0.1, WeightDecay: 0.01));

        // loss = Σ c_p · p, so each gradient is its coefficient c_p.
        var coefficients = new Dictionary<string, float> { ["dense.weight"] = 0.5f, ["dense.bias"] = -2f, ["LayerNorm.weight"] = 0.5f, ["LayerNorm.bias"] = 3f };
        var loss = coefficients.Select(kv => (model.Parameter(kv.Key) * kv.Value).sum()).Aggregate((a, b) => a + b);
        loss.backward();
        optimizer.Step();

        // Step 1, g = 0.5: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025, 1-β1 = 0.1, 1-β2 = 0.001,
        // denom = sqrt(0.00025)/sqrt(0.001) + 1e-8 = 0.5 + 1e-8, step = lr/0.1 · m/denom = 1 · 0.05/0.5 ≈ 0.1.
        // Decayed weight: 2 · (1 - 0.1·0.01) = 1.998, minus 0.1 → 1.898.
        Assert.Equal(1.898f, model.Values("dense.weight")[0], 1e-6f);
        // LayerNorm weight, same gradient but no decay: 2 - 0.1 = 1.9.
        Assert.Equal(1.9f, model.Values("LayerNorm.weight")[0], 1e-6f);
        // Biases, no decay; with one step the update is lr·g/(|g| + eps) ≈ lr·sign(g): 1 + 0.1 and 1 - 0.1.
        Assert.Equal(1.1f, model.Values("dense.bias")[0], 1e-6f);
        Assert.Equal(0.9f, model.Values("LayerNorm.bias")[0], 1e-6f);

        // After ZeroGrad (set to none) a step without backward skips every parameter, decay included.
        optimizer.ZeroGrad();
        Assert.Null(model.Parameter("dense.weight").grad);
        optimizer.Step();
        Assert.Equal(1.898f, model.Values("dense.weight")[0], 1e-6f);
    }

    [Fact]
    public void FourScheduledStepsMatchTorchAdamW()
    {
        // The bias corrections and the moments only show after several steps: four steps with changing gradients
        // and learning rates, against the torch.optim.AdamW update computed by hand in double precision
        // (p *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m/(sqrt(v)/sqrt(1-β2^t) + eps)).
        using var scope = NewDisposeScope();
        using var model = StartingModel();
        using var optimizer = AdamWOptimizer.Create(model, new AdamWSettings(LearningRate: 0.1, WeightDecay: 0.01));
        double[] learningRates = [0.1, 0.05, 0.02, 0.01];
        float[] weightGradients = [0.5f, -1f, 0.25f, 2f], biasGradients = [-2f, 3f, -0.5f, 1f];
        for (var t = 0; t < 4; t++)
        {
            optimizer.ZeroGrad();
            optimizer.SetLearningRate(learningRates[t]);
            var loss = (model.Parameter("dense.weight") * weightGradients[t]).sum() + (model.Parameter("LayerNorm.weight") * weightGradients[t]).sum()
                + (model.Parameter("dense.bias") * biasGradients[t]).sum();
            loss.backward();
            optimizer.Step();
        }
        Assert.Equal(1.9130273286, model.Values("dense.weight")[0], 1e-5);
        Assert.Equal(1.9165511705, model.Values("LayerNorm.weight")[0], 1e-5);
        Assert.Equal(1.0832323261, model.Values("dense.bias")[0], 1e-5);
        // LayerNorm.bias had no gradient in any step: untouched, not even decayed.
        Assert.Equal(1.0, model.Values("LayerNorm.bias")[0], 1e-7);
    }

    [Fact]
    public void SetLearningRateAppliesToBothGroups()
    {
        using var model = new TinyNormModel();
        using var optimizer = AdamWOptimizer.Create(model, new AdamWSettings(LearningRate: 1e-3, WeightDecay: 0.01));
        optimizer.SetLearningRate(5e-4);
        Assert.Equal(5e-4, optimizer.LearningRate);
        Assert.Equal(["dense.weight"], optimizer.DecayedNames.ToList());
        Assert.Equal(4, optimizer.NamedParameters.Count);
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        using var model = new TinyNormModel();
        Assert.Throws<RqaException>(() => AdamWOptimizer.Create(model, new AdamWSettings(LearningRate: -1)));
        Assert.Throws<RqaException>(() => AdamWOptimizer.Create(model, new AdamWSettings(LearningRate: 1e-3, Beta1: 1.0)));
    }
}
