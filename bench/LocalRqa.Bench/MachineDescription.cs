using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace LocalRqa.Bench;

/// <summary>
/// The line every bench prints first: which CPU, which vector extensions, which kernels and how many threads, since
/// every rate here depends on them (libtorch rounds and runs differently with AVX2 and AVX-512, MKL differently by vendor).
/// </summary>
internal static class MachineDescription
{
    public static string Line()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        string[] extensions = [.. new[] { ("AVX2", Avx2.IsSupported), ("FMA", Fma.IsSupported), ("AVX-512F", Avx512F.IsSupported) }
            .Where(e => e.Item2).Select(e => e.Item1)];
        var capability = Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") is { Length: > 0 } c ? c : "best available";
        return $"machine: {model}, {Environment.ProcessorCount} logical CPUs, {string.Join(" ", extensions)}; TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} " +
               $"(sgemm: its bundled MKL; ATen kernels: {capability}), {get_num_threads()} intra-op threads";
    }
}
