using System.Runtime.InteropServices;

namespace LocalRqa.Runtime;

/// <summary>
/// glibc's allocator, tuned for the two kinds of tensor work rqa does.
/// <para>
/// Training (autograd keeps each layer's activations): every block of 4 MiB or more is mapped on allocation and
/// unmapped on free. By default glibc raises its mmap threshold each time a large mmapped block is freed, up to 32 MiB,
/// so after the first steps activations come from the heap, and freed heap memory stays in the process: the resident
/// size creeps up over a run and its peak overstates what is live (GradCache 64 + 64 × 512 tokens: 3.0 GiB peak with
/// the fixed threshold, 4.0 GiB without).
/// </para>
/// <para>
/// Inference (<see cref="ForInference"/>: embedding passes, index search): the same few shapes over and over, nothing
/// kept. There the 4 MiB threshold costs a page fault per 4 KiB of every block on every batch (bench encode, AMD EPYC:
/// 5.7 M minor faults, 24.3 docs/s; with a 32 MiB threshold 2.3 M, 30.8 docs/s), so the threshold is raised to glibc's
/// maximum for the scope and the freed heap is trimmed when it ends. (Whether a freed block is reused also depends on the
/// calling thread's arena; the benches measure the net effect.) Not in a process that trains
/// (<see cref="TrainingProcess"/>): blocks kept in the heap by an inference scope are reused later from the heap, whatever
/// the threshold, so a training run's memory would again depend on what ran before.
/// </para>
/// </summary>
internal static class GlibcMalloc
{
    const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
    const int TrainingThresholdBytes = 4 << 20;
    const int InferenceThresholdBytes = 32 << 20; // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: mallopt refuses more

    static readonly object Gate = new();
    static bool tuned;
    static int inferenceDepth;

    /// <summary>Whether an inference scope is open (the inference threshold in force).</summary>
    internal static bool InInferenceScope
    {
        get { lock (Gate) return inferenceDepth > 0; }
    }

    /// <summary>Set once a training run starts (before its mining or first evaluation): inference scopes change nothing from then on.</summary>
    public static bool TrainingProcess { get; set; }

    /// <summary>Applies the training threshold; false where this is not glibc (another libc, another OS): nothing is changed there.</summary>
    public static bool ReturnLargeBlocks()
    {
        lock (Gate)
        {
            tuned = SetThreshold(TrainingThresholdBytes);
            return tuned;
        }
    }

    /// <summary>
    /// A scope of inference work (nestable, any thread): large blocks are kept in the heap and reused while it lasts;
    /// at its end the training threshold is back and the heap's free memory is returned to the system.
    /// Nothing happens where the tuning is off (RQA_MALLOC_TUNING=0) or unavailable, or in a training process.
    /// </summary>
    public static IDisposable ForInference()
    {
        lock (Gate)
        {
            if (!tuned || TrainingProcess) return NoScope.Instance;
            if (inferenceDepth++ == 0) SetThreshold(InferenceThresholdBytes);
            return new InferenceScope();
        }
    }

    sealed class InferenceScope : IDisposable
    {
        bool disposed;

        public void Dispose()
        {
            lock (Gate)
            {
                if (disposed) return;
                disposed = true;
                if (--inferenceDepth > 0) return;
                SetThreshold(TrainingThresholdBytes);
                MallocTrim(0);
            }
        }
    }

    sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }

    static bool SetThreshold(int bytes)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapThreshold, bytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);
}
