namespace LocalRqa.Bench;

/// <summary>Resident memory of this process from /proc (Linux), in MiB.</summary>
public static class ProcessMemory
{
    public static double PeakRssMiB() => Read("VmHWM:");
    public static double CurrentRssMiB() => Read("VmRSS:");

    static double Read(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
