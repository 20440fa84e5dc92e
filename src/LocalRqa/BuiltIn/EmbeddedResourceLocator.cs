using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace LocalRqa.BuiltIn;

/// <summary>
/// Finds manifest resources inside a .NET assembly file without loading it: the model packages target
/// netstandard2.1 and their dependencies are absent, and loading 90 MB assemblies would pin them in memory.
/// </summary>
internal static class EmbeddedResourceLocator
{
    /// <summary>Where an embedded resource's bytes lie in the file.</summary>
    public readonly record struct Location(long Offset, long Length);

    /// <summary>File offsets of every resource embedded in the assembly, by manifest name.</summary>
    public static IReadOnlyDictionary<string, Location> List(string assemblyPath)
    {
        using var file = File.OpenRead(assemblyPath);
        using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
        var cor = pe.PEHeaders.CorHeader ?? throw new RqaException($"{assemblyPath} is not a .NET assembly");
        var metadata = pe.GetMetadataReader();
        var result = new Dictionary<string, Location>(StringComparer.Ordinal);
        if (!pe.PEHeaders.TryGetDirectoryOffset(cor.ResourcesDirectory, out var directoryOffset))
            return result;
        Span<byte> prefix = stackalloc byte[4];
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil) continue; // lives in another file or assembly
            // ECMA-335 II.24.2.4: each resource is a 4-byte little-endian length followed by its bytes.
            var start = directoryOffset + resource.Offset;
            file.Position = start;
            file.ReadExactly(prefix);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (start + 4 + length > file.Length)
                throw new RqaException($"resource {metadata.GetString(resource.Name)} in {assemblyPath} runs past the end of the file");
            result[metadata.GetString(resource.Name)] = new Location(start + 4, length);
        }
        return result;
    }

    /// <summary>Opens a file stream positioned at the start of the named resource.</summary>
    public static FileStream Open(string assemblyPath, string resourceName, out long length)
    {
        var resources = List(assemblyPath);
        if (!resources.TryGetValue(resourceName, out var location))
            throw new RqaException($"{assemblyPath} has no embedded resource '{resourceName}' (it has: {string.Join(", ", resources.Keys)})");
        var stream = File.OpenRead(assemblyPath);
        stream.Position = location.Offset;
        length = location.Length;
        return stream;
    }
}
