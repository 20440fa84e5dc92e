using System.Runtime.InteropServices;

namespace LocalRqa.Runtime;

/// <summary>
/// glibc's allocator, told to give large tensors' memory back to the system. By default glibc raises its mmap
/// threshold each time a large mmapped block is freed, up to 32 MiB, so after the first training steps the
/// attention maps and activations (tens to hundreds of MiB each) come from the heap, and freed heap memory stays
/// in the process: the resident size creeps up over a run and its peak overstates what is live. A fixed
/// threshold turns that adaptation off, so every block of 4 MiB or more is mapped on allocation and unmapped on
/// free, which costs a page fault per 4 KiB touched, small next to the matmuls that fill those pages.
/// </summary>
internal static class GlibcMalloc
{
    const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
    const int LargeBlockBytes = 4 << 20;

    /// <summary>False where this is not glibc (another libc, another OS): nothing is changed there.</summary>
    public static bool ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(MmapThreshold, LargeBlockBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);
}
