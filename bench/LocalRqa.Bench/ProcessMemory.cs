using System.Runtime.InteropServices;

namespace LocalRqa.Bench;

/// <summary>Resident memory of this process from /proc (Linux), in MiB.</summary>
internal static class ProcessMemory
{
    public static double PeakRssMiB() => Read("VmHWM:");
    public static double CurrentRssMiB() => Read("VmRSS:");

    /// <summary>
    /// Starts a new peak: hands the allocator's free memory back to the system (glibc keeps freed blocks, which
    /// would hide the next measurement's growth), then resets VmHWM to the current RSS
    /// (<c>echo 5 &gt; /proc/self/clear_refs</c>). False where that is not possible (not Linux, no permission).
    /// </summary>
    public static bool ResetPeak()
    {
        const string clearRefs = "/proc/self/clear_refs";
        if (!OperatingSystem.IsLinux() || !File.Exists(clearRefs)) return false;
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            MallocTrim(0);
            File.WriteAllText(clearRefs, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    static double Read(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);
}
