using static TorchSharp.torch;

namespace LocalRqa.Runtime;

/// <summary>Process-wide TorchSharp settings, applied once before any tensor work.</summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool initialized;

    /// <summary>
    /// Intra-op threads: libtorch defaults to every logical core, which oversubscribes when .NET's own thread
    /// pool also runs (tokenization, I/O). We use the processor count the runtime sees (it honours cgroup
    /// limits), capped by RQA_NUM_THREADS when set; one inter-op thread, since our graphs are sequential.
    /// </summary>
    public static void Initialize()
    {
        lock (Gate)
        {
            if (initialized) return;
            set_num_threads(ThreadCount(Environment.GetEnvironmentVariable("RQA_NUM_THREADS"), Environment.ProcessorCount));
            try { set_num_interop_threads(1); }
            catch (Exception) { /* already set by an earlier parallel region; harmless */ }
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
