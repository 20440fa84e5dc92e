using System.Runtime.InteropServices;

namespace LocalRqa.Display;

/// <summary>
/// The width of the terminal stderr writes to, asked of the terminal itself (stdout may be redirected to a file while
/// stderr is not, which Console.WindowWidth does not see). A live line longer than this would wrap, and a wrapped line
/// cannot be cleared from its last row.
/// </summary>
static class TerminalWidth
{
    const int Fallback = 80;

    [StructLayout(LayoutKind.Sequential)]
    struct WindowSize
    {
        public ushort Rows, Columns, PixelWidth, PixelHeight;
    }

    // TIOCGWINSZ from Linux's asm-generic/ioctls.h.
    const nuint LinuxGetWindowSize = 0x5413;

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    static extern int Ioctl(int fd, nuint request, out WindowSize size);

    public static int OfStandardError()
    {
        if (OperatingSystem.IsLinux())
            try
            {
                if (Ioctl(2, LinuxGetWindowSize, out var size) == 0 && size.Columns > 0) return size.Columns;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0) return columns;
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : Fallback;
        }
        catch (IOException)
        {
            return Fallback;
        }
    }
}
