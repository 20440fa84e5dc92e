using System.Runtime.InteropServices;

namespace LocalRqa.Files;

/// <summary>
/// The file a path names once its symlinks are followed: its kind and its identity (device and inode). .NET's FileInfo
/// calls /dev/null and a FIFO "Normal" files, so the kind comes from Linux's statx; two paths name the same file when
/// their identities are equal, however they are spelt (symlinks, "..", hard links).
/// </summary>
internal readonly record struct FileNode(FileNodeKind Kind, ulong Device, ulong Inode)
{
    const int AtFdCwd = -100;
    const uint StatxType = 0x1, StatxIno = 0x100;
    const int Enoent = 2, Enotdir = 20;
    const ushort TypeMask = 0xF000, TypeRegular = 0x8000, TypeDirectory = 0x4000;

    /// <summary>The node at <paramref name="path"/>, following symlinks; null when nothing is there.</summary>
    public static FileNode? Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            // struct statx is the same on every Linux architecture: stx_mode (u16) at byte 28, stx_ino (u64) at 32,
            // stx_dev_major and stx_dev_minor (u32) at 136 and 140.
            Span<byte> buffer = stackalloc byte[256];
            try
            {
                if (Statx(AtFdCwd, path, 0, StatxType | StatxIno, ref MemoryMarshal.GetReference(buffer)) == 0)
                {
                    var mode = MemoryMarshal.Read<ushort>(buffer[28..]);
                    var kind = (mode & TypeMask) switch
                    {
                        TypeRegular => FileNodeKind.Regular,
                        TypeDirectory => FileNodeKind.Directory,
                        _ => FileNodeKind.Special,
                    };
                    var device = (ulong)MemoryMarshal.Read<uint>(buffer[136..]) << 32 | MemoryMarshal.Read<uint>(buffer[140..]);
                    return new FileNode(kind, device, MemoryMarshal.Read<ulong>(buffer[32..]));
                }
                if (Marshal.GetLastPInvokeError() is Enoent or Enotdir) return null;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        // No statx (another libc, a sandbox that forbids it): .NET's view, without identity.
        if (Directory.Exists(path)) return new FileNode(FileNodeKind.Directory, 0, 0);
        return File.Exists(path) ? new FileNode(FileNodeKind.Regular, 0, 0) : null;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name one existing file.</summary>
    public static bool SameFile(string a, string b)
    {
        if (Of(a) is not { } first || Of(b) is not { } second) return false;
        return first.Inode == 0 || second.Inode == 0
            ? Path.GetFullPath(a) == Path.GetFullPath(b)
            : first.Device == second.Device && first.Inode == second.Inode;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
}
