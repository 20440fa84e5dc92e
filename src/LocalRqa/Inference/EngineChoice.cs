using System.Runtime.Intrinsics.X86;
using System.Text;

namespace LocalRqa.Inference;

/// <summary>
/// Picks the engine of an embedding pass. RQA_ENGINE=torch or onnx forces one; auto (the default) takes ONNX
/// Runtime for passes long enough to repay building its session, on CPUs where libtorch's oneMKL is not at its
/// best. Measured (bench encode, docs/benchmarks.md): on a 2-core AMD EPYC (Zen 4) oneMKL's sgemm reaches about
/// 120–190 GFLOP/s where ONNX Runtime's MLAS reaches about 240, and rqa's ONNX Runtime pass ran 1.14× the packaged
/// ONNX file while TorchSharp ran 0.93×. oneMKL takes its fast paths on Intel CPUs, where TorchSharp measured 1.04×
/// ONNX Runtime on the project's first machine (its CPU model was not recorded), so Intel CPUs stay on TorchSharp.
/// </summary>
internal static class EngineChoice
{
    public const string Variable = "RQA_ENGINE";

    /// <summary>
    /// Below this many tokens in a pass, TorchSharp: building the ONNX graph and session costs about 0.3 s for a
    /// 22 M-parameter model, a few percent of a pass this long on 2 cores.
    /// </summary>
    public const long MinimumTokens = 50_000;

    /// <summary>The engine for a pass of <paramref name="tokens"/> tokens under the RQA_ENGINE setting.</summary>
    public static InferenceEngine For(long tokens) => For(Environment.GetEnvironmentVariable(Variable), tokens, CpuVendor());

    internal static InferenceEngine For(string? setting, long tokens, string vendor) => Parse(setting) switch
    {
        InferenceEngine engine => engine,
        null => tokens >= MinimumTokens && vendor != "GenuineIntel" ? InferenceEngine.OnnxRuntime : InferenceEngine.Torch,
    };

    /// <summary>null for auto.</summary>
    static InferenceEngine? Parse(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "torch" or "torchsharp" => InferenceEngine.Torch,
        "onnx" or "onnxruntime" or "ort" => InferenceEngine.OnnxRuntime,
        _ => throw new RqaException($"{Variable} must be auto, torch or onnx, got '{setting}'"),
    };

    /// <summary>The engine's name in logs.</summary>
    public static string Name(InferenceEngine engine) => engine == InferenceEngine.OnnxRuntime ? "ONNX Runtime" : "TorchSharp";

    /// <summary>Checks the setting before any expensive step (an unknown value is an error, not a silent auto).</summary>
    public static void Validate() => Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>CPUID leaf 0's vendor string ("GenuineIntel", "AuthenticAMD", ...), or "" off x86.</summary>
    public static string CpuVendor()
    {
        if (!X86Base.IsSupported) return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var bytes = new byte[12];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), ebx);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), edx);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), ecx);
        return Encoding.ASCII.GetString(bytes);
    }
}
