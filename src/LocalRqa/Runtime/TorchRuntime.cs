using static TorchSharp.torch;

namespace LocalRqa.Runtime;

/// <summary>Process-wide TorchSharp settings, applied once before any tensor work.</summary>
internal static class TorchRuntime
{
    static readonly object Gate = new();
    static bool initialized;

    /// <summary>
    /// Intra-op threads: one per processor the runtime sees (it honours cgroup and affinity limits, where
    /// libtorch's own default may count the host's cores), or RQA_NUM_THREADS when set. One inter-op
    /// thread: our graphs run one operation at a time.
    /// </summary>
    public static void Initialize()
    {
        lock (Gate)
        {
            if (initialized) return;
            Inference.EngineChoice.Validate(); // a mistyped RQA_ENGINE stops the run before any work
            set_num_threads(ThreadCount(Environment.GetEnvironmentVariable("RQA_NUM_THREADS"), Environment.ProcessorCount));
            // libtorch refuses a second setting once parallel work has started; the first one stands.
            try { set_num_interop_threads(1); }
            catch (System.Runtime.InteropServices.ExternalException) { }
            if (Environment.GetEnvironmentVariable("RQA_MALLOC_TUNING") != "0") GlibcMalloc.ReturnLargeBlocks();
            initialized = true;
        }
    }

    internal static int ThreadCount(string? setting, int processors)
    {
        if (string.IsNullOrWhiteSpace(setting)) return Math.Max(1, processors);
        if (!int.TryParse(setting, out var n) || n < 1)
            throw new RqaException($"RQA_NUM_THREADS must be a positive integer, got '{setting}'");
        return n;
    }
}
