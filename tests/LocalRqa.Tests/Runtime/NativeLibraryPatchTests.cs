using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Runtime;

public class NativeLibraryPatchTests
{
    static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    static bool SystemLacksVersion()
    {
        var system = ElfVersionPatch.FindSystemLibStdCxx();
        return system != null && !ElfVersionPatch.LibraryDefines(system, ElfVersionPatch.Version);
    }

    [Fact]
    public void BuildOutputCopyIsPatchedExactlyWhenTheSystemNeedsIt()
    {
        if (!OperatingSystem.IsLinux()) return; // the patch is Linux-only by design
        Assert.True(File.Exists(OutputCopy), $"expected {OutputCopy}");
        Assert.Equal(SystemLacksVersion(), ElfVersionPatch.IsWeak(OutputCopy));
    }

    [Fact]
    public void PatchChangesOneFlagAndIsIdempotent()
    {
        if (!OperatingSystem.IsLinux()) return;
        var copy = Path.Combine(Path.GetTempPath(), $"rqa-elf-{Guid.NewGuid():N}.so");
        try
        {
            File.Copy(PristinePackageCopy(), copy);
            var before = File.ReadAllBytes(copy);
            Assert.False(ElfVersionPatch.IsWeak(copy));

            Assert.Equal(ElfVersionPatch.Outcome.Patched, ElfVersionPatch.MarkWeak(copy));
            var after = File.ReadAllBytes(copy);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            Assert.Single(changed);
            Assert.Equal(before[changed[0]] | 0x2, after[changed[0]]);

            Assert.Equal(ElfVersionPatch.Outcome.AlreadyWeak, ElfVersionPatch.MarkWeak(copy));
            Assert.Equal(after, File.ReadAllBytes(copy));
            Assert.Equal(ElfVersionPatch.Outcome.NotNeeded, ElfVersionPatch.MarkWeak(copy, "libstdc++.so.6", "GLIBCXX_9.9.99"));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void RejectsFilesThatAreNotElf()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not an elf file, just text that is long enough to have a header of 64 bytes....");
            Assert.Throws<InvalidDataException>(() => ElfVersionPatch.MarkWeak(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TorchLoadsAndComputesMatmulAndGradients()
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2).requires_grad_(true);
        var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        var product = matmul(a, b); // [[19, 22], [43, 50]]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
        product.sum().backward();
        // d(sum(AB))/dA[i,k] = sum_j B[k,j] = row sums of B: 11, 15.
        Assert.Equal(new float[] { 11, 15, 11, 15 }, a.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(null, 8, 8)]
    [InlineData("3", 8, 3)]
    [InlineData("", 1, 1)]
    public void ThreadCountFollowsTheSetting(string? setting, int processors, int expected) =>
        Assert.Equal(expected, TorchRuntime.ThreadCount(setting, processors));

    [Fact]
    public void BadThreadSettingIsAUserError() =>
        Assert.Throws<RqaException>(() => TorchRuntime.ThreadCount("zero", 4));

    /// <summary>The unpatched library as NuGet delivered it (the build patches only the output copy).</summary>
    static string PristinePackageCopy()
    {
        var nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.GetFiles(Path.Combine(nuget, "torchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories)
            .First(f => f.Contains("linux-x64"));
    }
}
