using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LocalRqa.Training.Optimization;

/// <summary>HF Trainer's max_grad_norm step: clip_grad_norm_ over all parameters, logging the pre-clip norm as grad_norm.</summary>
internal static class GradientClipping
{
    /// <summary>
    /// Scales the gradients in place so their global L2 norm is at most <paramref name="maxNorm"/> and returns
    /// the norm before clipping. libtorch computes total = ||(||g_1||, ..., ||g_n||)||_2 over defined gradients,
    /// then multiplies every gradient by min(1, maxNorm / (total + 1e-6)).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max_grad_norm must be positive");
        using var scope = NewDisposeScope();
        var withGradients = parameters.Where(p => p.grad is not null).ToArray();
        return withGradients.Length == 0 ? 0.0 : nn.utils.clip_grad_norm_(withGradients, maxNorm);
    }
}
