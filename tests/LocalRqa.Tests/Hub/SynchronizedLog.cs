using System.Text;

namespace LocalRqa.Tests.Hub;

/// <summary>A log that a download writes to on one thread while the test reads it on another.</summary>
public sealed class SynchronizedLog : TextWriter
{
    private readonly StringBuilder text = new();
    private readonly Lock gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get { lock (gate) return text.ToString(); }
    }

    public override void Write(char value)
    {
        lock (gate) text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (gate) text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (gate) text.Append(buffer, index, count);
    }

    /// <summary>Polls until <paramref name="fragment"/> appears; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(string fragment, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Text.Contains(fragment, StringComparison.Ordinal))
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(20);
        }
        return true;
    }
}
