using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace LocalRqa.Tests.Tokenization;

/// <summary>
/// Reads a managed resource straight out of a DLL's metadata without loading the assembly: the resource lives at
/// CLI header ResourcesDirectory + the manifest resource's offset, behind a 4-byte little-endian length.
/// </summary>
public static class EmbeddedResourceReader
{
    public static byte[] Read(string dllPath, string resourceName)
    {
        using var stream = File.OpenRead(dllPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != resourceName) continue;
            if (!resource.Implementation.IsNil)
                throw new InvalidOperationException($"{resourceName} in {dllPath} lives in another file");
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset);
            var reader = block.GetReader();
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new InvalidOperationException($"{dllPath} has no resource {resourceName}");
    }

    /// <summary>The DLL of a restored NuGet package (NUGET_PACKAGES or ~/.nuget/packages), first lib/ target found.</summary>
    public static string NuGetPackageDll(string packageId, string version, string dllName)
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string lib = Path.Combine(root, packageId.ToLowerInvariant(), version, "lib");
        if (!Directory.Exists(lib)) throw new InvalidOperationException($"{packageId} {version} is not restored under {root}");
        return Directory.EnumerateFiles(lib, dllName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException($"no {dllName} under {lib}");
    }
}
