// Makes TorchSharp's native library load on Linux distributions whose libstdc++ is older than the one it was
// linked against (Debian 12 ships GLIBCXX_3.4.30; libLibTorchSharp.so from TorchSharp 0.107 asks for
// GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init, that it never calls).
//
// An ELF shared object lists the symbol versions it needs in `.gnu.version_r`: one Verneed record per library,
// each followed by Vernaux records, one per version. The dynamic loader refuses to load the object when a
// needed version is missing, unless that Vernaux carries VER_FLG_WEAK (0x2), in which case it only warns in
// debug mode. We set that bit on the single GLIBCXX_3.4.32 entry of the copy in the build output; the package
// in the NuGet cache and the system are left untouched.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (build/TorchSharpNative.targets) as an
// inline task, and by the test project (with ELF_PATCH_NO_TASK defined) to test the patch logic itself.
#nullable enable
using System;
using System.IO;
using System.Text;

public static class ElfVersionPatch
{
    public const string Library = "libstdc++.so.6";
    public const string Version = "GLIBCXX_3.4.32";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    public enum Outcome { Patched, AlreadyWeak, NotNeeded }

    /// <summary>True when the given libstdc++ defines <paramref name="version"/> (its name is in .dynstr).</summary>
    public static bool LibraryDefines(string libraryPath, string version)
    {
        var bytes = File.ReadAllBytes(libraryPath);
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        // A plain scan: the task factory compiles against netstandard, without span search helpers.
        for (var i = 0; i + needle.Length <= bytes.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && bytes[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    /// <summary>Finds the system libstdc++ the loader would use, or null when none is in the usual places.</summary>
    public static string? FindSystemLibStdCxx()
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                          "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, Library);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry (library, version) of an ELF64 little-endian file.</summary>
    public static Outcome MarkWeak(string elfPath, string library = Library, string version = Version)
    {
        var elf = File.ReadAllBytes(elfPath);
        var flagOffset = FindVernauxFlags(elf, library, version, elfPath);
        if (flagOffset < 0) return Outcome.NotNeeded;
        var flags = BitConverter.ToUInt16(elf, flagOffset);
        if ((flags & VerFlagWeak) != 0) return Outcome.AlreadyWeak;
        var written = BitConverter.GetBytes((ushort)(flags | VerFlagWeak));
        elf[flagOffset] = written[0];
        elf[flagOffset + 1] = written[1];
        // A new file renamed over the old one: if the output was a hard link into the NuGet cache, the cache
        // keeps its original bytes.
        var temporary = elfPath + ".patching";
        File.WriteAllBytes(temporary, elf);
        if (File.Exists(elfPath)) File.Delete(elfPath);
        File.Move(temporary, elfPath);
        return Outcome.Patched;
    }

    /// <summary>True when the file needs (library, version) and that need is marked weak.</summary>
    public static bool IsWeak(string elfPath, string library = Library, string version = Version)
    {
        var elf = File.ReadAllBytes(elfPath);
        var offset = FindVernauxFlags(elf, library, version, elfPath);
        return offset >= 0 && (BitConverter.ToUInt16(elf, offset) & VerFlagWeak) != 0;
    }

    /// <summary>File offset of vna_flags of the matching Vernaux, or -1 when the file does not need it.</summary>
    static int FindVernauxFlags(byte[] elf, string library, string version, string path)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException(path + " is not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException(path + " is not a little-endian ELF64 file");

        var sectionTable = checked((int)BitConverter.ToUInt64(elf, 0x28));
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int count = BitConverter.ToUInt16(elf, 0x3C);
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + i * entrySize;
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
            var offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            var strings = sectionTable + (int)BitConverter.ToUInt32(elf, header + 0x28) * entrySize;
            var stringsOffset = checked((int)BitConverter.ToUInt64(elf, strings + 0x18));
            var needCount = BitConverter.ToUInt32(elf, header + 0x2C);

            // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var file = ReadString(elf, stringsOffset + (int)BitConverter.ToUInt32(elf, need + 4));
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount && file == library; a++)
                {
                    // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    var name = ReadString(elf, stringsOffset + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name == version) return aux + 4;
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                var next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return -1;
    }

    static string ReadString(byte[] elf, int start)
    {
        var end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}

#if !ELF_PATCH_NO_TASK
/// <summary>MSBuild task: patches every libLibTorchSharp.so below a folder when the system needs it.</summary>
public class PatchLibTorchSharpVersionNeeds : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public string Folder { get; set; } = "";

    /// <summary>Patch whatever this machine's libstdc++ has: a tool package runs on other machines.</summary>
    public bool Always { get; set; }

    public override bool Execute()
    {
        if (!Directory.Exists(Folder)) return true;
        var system = ElfVersionPatch.FindSystemLibStdCxx();
        var systemLacksVersion = system != null && !ElfVersionPatch.LibraryDefines(system, ElfVersionPatch.Version);
        if (!Always && !systemLacksVersion) return true;
        var reason = systemLacksVersion ? $"system libstdc++ at {system} lacks it" : "a package for other machines";
        foreach (var file in Directory.GetFiles(Folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            // Keep the timestamp so incremental copies still see an up-to-date file.
            var stamp = File.GetLastWriteTimeUtc(file);
            var outcome = ElfVersionPatch.MarkWeak(file);
            File.SetLastWriteTimeUtc(file, stamp);
            if (outcome == ElfVersionPatch.Outcome.Patched)
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"Marked {ElfVersionPatch.Version} weak in {file} ({reason}).");
        }
        return true;
    }
}
#endif
