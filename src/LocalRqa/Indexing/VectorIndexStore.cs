using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Json;
using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Indexing;

/// <summary>
/// A saved <see cref="ExactVectorIndex"/>: a folder with embeddings.safetensors (tensor "embeddings" [N, D]
/// F32, the rows as searched, i.e. normalised for cosine) and manifest.json (<see cref="VectorIndexManifest"/>).
/// Saving replaces the folder as a whole, so readers see the old index, the new one or none, never half of one.
/// The manifest records XXH3-128 of the embeddings file, hashed as it is written and verified as it is read (one
/// pass, no second copy): a changed or damaged file is refused rather than searched.
/// </summary>
internal static class VectorIndexStore
{
    public const string ManifestFile = "manifest.json";
    public const string EmbeddingsFile = "embeddings.safetensors";
    public const string TensorName = "embeddings";

    /// <summary>Rows are streamed to and from disk in blocks of about this many bytes.</summary>
    const int IoBlockBytes = 4 << 20;

    /// <summary>How to fix a saved index that cannot be used, closing each such error.</summary>
    const string RebuildHint = "rebuild it with --rebuild_index, or delete the index folder";

    /// <summary>
    /// The index saved at <paramref name="folder"/> when its manifest matches <paramref name="expected"/>.
    /// False with a null <paramref name="mismatch"/> when there is no index (no folder, or an empty one); false
    /// with a one-line description when the saved index was built differently (rebuild it). A folder that is
    /// neither, or an index whose embeddings do not match its manifest (shape, size or checksum), is an
    /// <see cref="RqaException"/>. <paramref name="log"/> receives a warning for an index without a checksum.
    /// </summary>
    public static bool TryLoad(string folder, VectorIndexManifest expected, [NotNullWhen(true)] out ExactVectorIndex? index, out string? mismatch,
        TextWriter? log = null)
    {
        index = null;
        mismatch = null;
        var full = FullPath(folder);
        var json = Inspect(folder, full);
        if (json is null) return false;
        var manifestPath = Path.Combine(full, ManifestFile);
        var version = JsonFile.Integer(json["format_version"], manifestPath, "format_version")
                      ?? throw new RqaException($"{manifestPath}: field 'format_version' is missing");
        if (version != VectorIndexManifest.CurrentFormatVersion)
        {
            // A different format may spell its fields differently; compare nothing else.
            mismatch = $"index format {version} vs {VectorIndexManifest.CurrentFormatVersion}";
            return false;
        }
        var stored = VectorIndexManifest.FromJson(json, manifestPath);
        mismatch = stored.DescribeDifference(expected);
        if (mismatch is not null) return false;
        index = LoadEmbeddings(full, stored, log);
        return true;
    }

    /// <summary>The manifest saved at <paramref name="folder"/>, or null when there is no index there.</summary>
    public static VectorIndexManifest? ReadManifest(string folder)
    {
        var full = FullPath(folder);
        var json = Inspect(folder, full);
        if (json is null) return null;
        var path = Path.Combine(full, ManifestFile);
        var version = JsonFile.Integer(json["format_version"], path, "format_version");
        if (version != VectorIndexManifest.CurrentFormatVersion)
            throw new RqaException($"{path}: index format {version?.ToString() ?? "(missing)"}, this rqa reads format {VectorIndexManifest.CurrentFormatVersion}");
        return VectorIndexManifest.FromJson(json, path);
    }

    /// <summary>The index saved at <paramref name="folder"/> whatever it was built from (an <see cref="RqaException"/> when there is none).</summary>
    public static ExactVectorIndex Load(string folder, TextWriter? log = null) =>
        LoadEmbeddings(FullPath(folder), ReadManifest(folder) ?? throw new RqaException($"{folder}: no vector index there"), log);

    /// <summary>
    /// Writes <paramref name="index"/> to <paramref name="folder"/>, replacing an index already there. A folder
    /// that exists, is not empty and holds no index is refused unless <paramref name="replaceAnyFolder"/>
    /// (e.g. the user's explicit --rebuild_index). The manifest is saved with the embeddings file's checksum.
    /// </summary>
    public static void Save(string folder, VectorIndexManifest manifest, ExactVectorIndex index, bool replaceAnyFolder = false)
    {
        if (manifest.DocumentCount != index.Count || manifest.Dimension != index.Dimension || manifest.Similarity != index.Similarity)
            throw new ArgumentException($"the manifest ({manifest.DocumentCount} × {manifest.Dimension}, {manifest.Similarity.Name()}) " +
                                        $"does not describe the index ({index.Count} × {index.Dimension}, {index.Similarity.Name()})", nameof(manifest));
        var full = FullPath(folder);
        // Through a symlink the link's target is replaced and the link kept.
        var link = new DirectoryInfo(full);
        if (link.LinkTarget is not null) full = Path.TrimEndingDirectorySeparator(link.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        if (File.Exists(full)) throw IsAFile(folder);
        if (!replaceAnyFolder) Inspect(folder, full);
        var temporary = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(temporary);
            var checksum = WriteEmbeddings(Path.Combine(temporary, EmbeddingsFile), index.Embeddings);
            JsonFile.Write(Path.Combine(temporary, ManifestFile), (manifest with { EmbeddingsXxh128 = checksum }).ToJson());
            Replace(temporary, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temporary);
            throw new RqaException($"{folder}: cannot write the vector index: {e.Message}", e);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>Saves an index of the embeddings (normalised for cosine as <paramref name="manifest"/> says).</summary>
    public static void Save(string folder, VectorIndexManifest manifest, float[][] embeddings, bool replaceAnyFolder = false)
    {
        using var index = ExactVectorIndex.FromRows(embeddings, manifest.Similarity);
        Save(folder, manifest, index, replaceAnyFolder);
    }

    /// <summary>Saves an index of a [N, D] tensor's rows (normalised for cosine as <paramref name="manifest"/> says).</summary>
    public static void Save(string folder, VectorIndexManifest manifest, Tensor embeddings, bool replaceAnyFolder = false)
    {
        using var index = ExactVectorIndex.FromTensor(embeddings, manifest.Similarity);
        Save(folder, manifest, index, replaceAnyFolder);
    }

    static string FullPath(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    /// <summary>
    /// manifest.json's object when <paramref name="full"/> holds an index, null when there is nothing there; an
    /// <see cref="RqaException"/> for a file or a non-empty folder of something else.
    /// </summary>
    static JsonObject? Inspect(string folder, string full)
    {
        if (File.Exists(full)) throw IsAFile(folder);
        if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any()) return null;
        var manifestPath = Path.Combine(full, ManifestFile);
        JsonObject? json = null;
        try { json = JsonFile.ReadOptional(manifestPath) as JsonObject; }
        catch (RqaException) { }
        if (json?["kind"] is not JsonValue kind || !kind.TryGetValue<string>(out var name) || name != VectorIndexManifest.Kind)
            throw new RqaException($"{folder}: the folder is not empty and holds no rqa vector index (no valid {ManifestFile}); " +
                                   "refusing to overwrite it: choose another index path, or remove the folder");
        return json;
    }

    static RqaException IsAFile(string folder) => new($"{folder}: is a file, expected a vector index folder");

    /// <summary>Moves the finished temporary folder into place; an existing folder is set aside first and removed after.</summary>
    static void Replace(string temporary, string full)
    {
        if (!Directory.Exists(full))
        {
            Directory.Move(temporary, full);
            return;
        }
        var old = $"{full}.old-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.Move(full, old);
        try { Directory.Move(temporary, full); }
        catch
        {
            Directory.Move(old, full);
            throw;
        }
        DeleteQuietly(old);
    }

    static void DeleteQuietly(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// A safetensors file of one F32 tensor, streamed from the tensor block by block (no 2 GB limit, no full copy);
    /// returns the XXH3-128 of the bytes written.
    /// </summary>
    static string WriteEmbeddings(string path, Tensor embeddings)
    {
        long rows = embeddings.shape[0], dimension = embeddings.shape[1];
        var rowBytes = dimension * sizeof(float);
        var header = new JsonObject
        {
            ["__metadata__"] = new JsonObject { ["format"] = "pt" },
            [TensorName] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(rows, dimension),
                ["data_offsets"] = new JsonArray(0L, rows * rowBytes),
            },
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Spaces pad the header so the data starts 8-byte aligned, as the reference writer does.
        var headerBlock = new byte[(headerBytes.Length + 7) / 8 * 8];
        Array.Fill(headerBlock, (byte)' ');
        headerBytes.CopyTo(headerBlock, 0);

        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var checksum = new XxHash128();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBlock.Length);
        stream.Write(length);
        stream.Write(headerBlock);
        checksum.Append(length);
        checksum.Append(headerBlock);
        var block = (int)Math.Max(1, IoBlockBytes / rowBytes);
        for (long start = 0; start < rows; start += block)
        {
            using var scope = NewDisposeScope();
            var part = embeddings.narrow(0, start, Math.Min(block, rows - start)).contiguous(); // [b, D]
            stream.Write(part.bytes);
            checksum.Append(part.bytes);
        }
        stream.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(checksum.GetCurrentHash());
    }

    /// <summary>
    /// The index of the embeddings file that <paramref name="manifest"/> describes, its bytes hashed as they stream
    /// into the index's tensor and compared with the manifest's checksum before the index is built.
    /// </summary>
    static ExactVectorIndex LoadEmbeddings(string full, VectorIndexManifest manifest, TextWriter? log)
    {
        var path = Path.Combine(full, EmbeddingsFile);
        if (!File.Exists(path)) throw new RqaException($"{full}: the vector index has a {ManifestFile} but no {EmbeddingsFile}; {RebuildHint}");
        // Validates the header, sizes and truncation.
        SafetensorsFile file;
        try { file = SafetensorsFile.Open(path); }
        catch (RqaException e) { throw new RqaException($"{e.Message}; {RebuildHint}", e); }
        if (!file.Names.SequenceEqual([TensorName]))
            throw new RqaException($"{path}: expected one tensor '{TensorName}', found {string.Join(", ", file.Names.Select(n => $"'{n}'"))}; {RebuildHint}");
        var shape = file.Shape(TensorName);
        if (shape is not [var rows, var dimension] || rows != manifest.DocumentCount || dimension != manifest.Dimension)
            throw new RqaException($"{path}: embeddings have shape [{string.Join(", ", shape)}] but {ManifestFile} describes " +
                                   $"[{manifest.DocumentCount}, {manifest.Dimension}]; {RebuildHint}");
        if (manifest.EmbeddingsXxh128 is null)
            log?.WriteLine($"warning: {path}: saved by an older rqa without a checksum in {ManifestFile}, so it cannot be verified; " +
                           "rebuild it with --rebuild_index to add one");

        TorchRuntime.Initialize();
        using var stream = File.OpenRead(path);
        var checksum = new XxHash128();
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerBytes = new byte[BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes)];
        stream.ReadExactly(headerBytes);
        checksum.Append(lengthBytes);
        checksum.Append(headerBytes);
        var dtype = JsonNode.Parse(headerBytes)?[TensorName]?["dtype"]?.GetValue<string>();
        if (dtype != "F32") throw new RqaException($"{path}: embeddings are {dtype}, expected F32; {RebuildHint}");
        // The only tensor starts right after the header and must end the file: bytes after it would go unchecked.
        var rowBytes = (int)dimension * sizeof(float);
        var extra = stream.Length - stream.Position - rows * rowBytes;
        if (extra > 0) throw new RqaException($"{path}: {extra} bytes after the embeddings (the file was changed or damaged); {RebuildHint}");

        // Stream the tensor straight into the index's tensor, hashing each block on the way.
        var block = Math.Max(1, IoBlockBytes / rowBytes);
        var buffer = new byte[block * rowBytes];
        var embeddings = empty([rows, dimension], ScalarType.Float32).DetachFromDisposeScope(); // [N, D]
        try
        {
            for (long start = 0; start < rows; start += block)
            {
                var count = (int)Math.Min(block, rows - start);
                var bytes = buffer.AsSpan(0, count * rowBytes);
                stream.ReadExactly(bytes);
                if (manifest.EmbeddingsXxh128 is not null) checksum.Append(bytes);
                using var scope = NewDisposeScope();
                bytes.CopyTo(embeddings.narrow(0, start, count).bytes);
            }
            if (manifest.EmbeddingsXxh128 is { } expected && Convert.ToHexStringLower(checksum.GetCurrentHash()) != expected)
                throw new RqaException($"{path}: the embeddings do not match the checksum in {ManifestFile} (the file was changed or damaged); {RebuildHint}");
        }
        catch
        {
            embeddings.Dispose();
            throw;
        }
        return new ExactVectorIndex(embeddings, manifest.Similarity);
    }
}
