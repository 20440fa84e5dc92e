using System.Diagnostics;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>fp32 GFLOP/s of torch.mm on this machine for one shape [m, k] × [k, n] (2·m·k·n flops a call).</summary>
public static class MatmulRate
{
    /// <summary>Warms up, then repeats the product for about <paramref name="seconds"/> and returns GFLOP/s.</summary>
    public static double Measure(long m, long k, long n, double seconds = 2.0)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var a = randn(m, k); // [m, k]
        var b = randn(k, n); // [k, n]
        var c = empty(m, n); // [m, n]
        for (var i = 0; i < 3; i++) mm(a, b, c);
        var calls = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            mm(a, b, c);
            calls++;
        } while (clock.Elapsed.TotalSeconds < seconds);
        return 2.0 * m * k * n * calls / clock.Elapsed.TotalSeconds / 1e9;
    }

    static void mm(Tensor a, Tensor b, Tensor into) => TorchSharp.torch.mm(a, b, @out: into);
}
