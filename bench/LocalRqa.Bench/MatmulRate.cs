using System.Diagnostics;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>fp32 GFLOP/s of torch.mm on this machine for one shape [m, k] × [k, n] (2·m·k·n flops a call).</summary>
internal static class MatmulRate
{
    /// <summary>Warms up for half a second, then repeats the product for about <paramref name="seconds"/> and returns GFLOP/s.</summary>
    public static double Measure(long m, long k, long n, double seconds = 2.0)
    {
        using var _ = inference_mode();
        using var a = randn(m, k); // [m, k]
        using var b = randn(k, n); // [k, n]
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 0.5;) a.mm(b).Dispose();
        var calls = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            a.mm(b).Dispose(); // [m, n]
            calls++;
        } while (clock.Elapsed.TotalSeconds < seconds);
        return 2.0 * m * k * n * calls / clock.Elapsed.TotalSeconds / 1e9;
    }
}
