using System.Collections;
using System.IO.Compression;
using System.Numerics;
using LocalRqa.Pickles;

namespace LocalRqa.Checkpoints;

/// <summary>
/// Reads state dicts saved by <c>torch.save</c> (pytorch_model.bin) without torch and without running pickled
/// code. Since torch 1.6 the file is a zip: <c>{prefix}/data.pkl</c> pickles an OrderedDict of tensors, each
/// tensor a <c>_rebuild_tensor_v2</c> call over a storage whose raw little-endian bytes are <c>{prefix}/data/{key}</c>.
/// </summary>
internal static class PyTorchBinReader
{
    private const string RebuildModule = "torch._utils";

    public static Dictionary<string, HostTensor> Read(string path)
    {
        if (!File.Exists(path)) throw new RqaException($"{path} does not exist");
        using var file = File.OpenRead(path);
        CheckIsZip(path, file);

        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException ex)
        {
            throw new RqaException($"cannot read {path}: its zip directory is damaged ({ex.Message})", ex);
        }
        using (archive)
        {
            var pickleEntry = FindDataPickle(path, archive);
            var prefix = pickleEntry.FullName[..^"data.pkl".Length];
            CheckByteOrder(path, archive, prefix);
            var stateDict = Unpickle(path, ReadEntry(path, pickleEntry, pickleEntry.Length));
            return Materialize(path, archive, prefix, stateDict);
        }
    }

    private static void CheckIsZip(string path, FileStream file)
    {
        Span<byte> magic = stackalloc byte[4];
        var read = file.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 4 && magic.SequenceEqual("PK\x03\x04"u8)) return;
        if (read >= 1 && magic[0] == 0x80)
            throw new RqaException($"{path} is in PyTorch's legacy (before 1.6) format, which is not supported: " +
                                   "re-save it with torch >= 1.6 (torch.save(torch.load(path), path)) or convert it to safetensors");
        throw new RqaException($"{path} is not a PyTorch checkpoint (expected a zip written by torch.save)");
    }

    private static ZipArchiveEntry FindDataPickle(string path, ZipArchive archive)
    {
        // torch writes every record under one folder named after the archive ("archive", "pytorch_model", ...).
        var candidates = archive.Entries
            .Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            .ToList();
        if (candidates.Count == 1) return candidates[0];
        if (archive.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal)))
            throw new RqaException($"{path} is a TorchScript archive, not a state dict saved by torch.save");
        throw new RqaException($"{path} is a zip but not a torch.save checkpoint: it has {(candidates.Count == 0 ? "no" : "several")} data.pkl records");
    }

    private static void CheckByteOrder(string path, ZipArchive archive, string prefix)
    {
        if (archive.GetEntry(prefix + "byteorder") is not { } entry) return; // Older torch wrote only little-endian.
        var order = System.Text.Encoding.ASCII.GetString(ReadEntry(path, entry, entry.Length)).Trim();
        if (order != "little") throw new RqaException($"{path} stores tensors in {order}-endian byte order, which is not supported");
    }

    private static Hashtable Unpickle(string path, byte[] pickle)
    {
        var unpickler = new SafeUnpickler(path)
            .Allow("collections", "OrderedDict", PickledOrderedDict.Constructor)
            .Allow(RebuildModule, "_rebuild_tensor_v2", args => RebuildTensor(path, args))
            .Allow(RebuildModule, "_rebuild_parameter", args => RebuildParameter(path, args))
            .Allow(RebuildModule, "_rebuild_parameter_with_state", args => RebuildParameter(path, args))
            .OnPersistentLoad(pid => LoadStorage(path, pid));
        foreach (var storageType in PyTorchStorageType.All) unpickler.Allow("torch", storageType.Name, storageType);

        return unpickler.Load(pickle) as Hashtable
               ?? throw new RqaException($"{path} does not hold a state dict (a dict of tensor names to tensors)");
    }

    /// <summary>torch's persistent id for a storage: ('storage', storage class, key, location, numel).</summary>
    private static PyTorchStorageRef LoadStorage(string path, object? pid)
    {
        if (pid is object[] { Length: 5 } id && id[0] is "storage" && id[1] is PyTorchStorageType type && id[2] is string key)
        {
            var numel = ToLong(path, id[4], "storage size");
            if (numel < 0 || key.Contains('/') || key.Contains('\\')) throw Malformed(path, $"storage {key} is described wrongly");
            return new PyTorchStorageRef(key, type.DType, numel);
        }
        throw Malformed(path, "it references an external object that is not a tensor storage");
    }

    /// <summary>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).</summary>
    private static PyTorchTensorRef RebuildTensor(string path, object?[] args)
    {
        if (args.Length is < 6 or > 7 || args[0] is not PyTorchStorageRef storage)
            throw Malformed(path, "a tensor is rebuilt with unexpected arguments");
        var offset = ToLong(path, args[1], "storage offset");
        var shape = ToLongs(path, args[2], "size");
        var stride = ToLongs(path, args[3], "stride");
        var tensor = new PyTorchTensorRef(storage, offset, shape, stride);
        if (shape.Length != stride.Length || offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0) || tensor.End > storage.Numel)
            throw Malformed(path, $"a tensor of size [{string.Join(", ", shape)}] reaches outside its storage {storage.Key}");
        return tensor;
    }

    /// <summary>_rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter is its data here.</summary>
    private static PyTorchTensorRef RebuildParameter(string path, object?[] args) =>
        args.Length is 3 or 4 && args[0] is PyTorchTensorRef data ? data : throw Malformed(path, "a parameter is rebuilt with unexpected arguments");

    private static Dictionary<string, HostTensor> Materialize(string path, ZipArchive archive, string prefix, Hashtable stateDict)
    {
        var tensors = new List<(string Name, PyTorchTensorRef Ref)>(stateDict.Count);
        foreach (DictionaryEntry item in stateDict)
        {
            if (item.Key is not string name) throw Malformed(path, "a state dict key is not a string");
            if (item.Value is not PyTorchTensorRef tensor)
                throw new RqaException($"{path} is not a plain state dict: entry '{name}' is not a tensor");
            tensors.Add((name, tensor));
        }

        // Read each storage once and keep it only while tensors that share it are still to be built.
        var users = tensors.GroupBy(t => t.Ref.Storage.Key).ToDictionary(g => g.Key, g => g.Count());
        var pending = new Dictionary<string, int>(users);
        var cache = new Dictionary<string, byte[]>();
        var result = new Dictionary<string, HostTensor>(tensors.Count);
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Ref.Storage.Key, StringComparer.Ordinal))
        {
            var storage = tensor.Storage;
            if (!cache.TryGetValue(storage.Key, out var bytes))
            {
                var entry = archive.GetEntry($"{prefix}data/{storage.Key}")
                            ?? throw Malformed(path, $"the storage record data/{storage.Key} is missing");
                bytes = ReadEntry(path, entry, storage.ByteLength);
                cache[storage.Key] = bytes;
            }
            if (--pending[storage.Key] == 0) cache.Remove(storage.Key);

            // A sole, whole, contiguous view can take the storage's buffer as it is.
            var data = users[storage.Key] == 1 && tensor.Offset == 0 && tensor.IsContiguous && tensor.Numel == storage.Numel
                ? bytes
                : tensor.Gather(bytes);
            result[name] = new HostTensor(storage.DType, tensor.Shape, data);
        }
        return result;
    }

    /// <summary>Reads the first <paramref name="length"/> bytes of a record (torch stores records uncompressed).</summary>
    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long length)
    {
        if (length > Array.MaxLength) throw new RqaException($"{path}: record {entry.FullName} is larger than 2 GB, which is not supported");
        if (entry.Length < length) throw Malformed(path, $"record {entry.FullName} is shorter than the tensors that use it");
        var buffer = new byte[length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(buffer);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new RqaException($"cannot read {path}: record {entry.FullName} is damaged ({ex.Message})", ex);
        }
        return buffer;
    }

    private static long ToLong(string path, object? value, string what) => value switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        _ => throw Malformed(path, $"a tensor's {what} is not an integer"),
    };

    private static long[] ToLongs(string path, object? value, string what) =>
        value is object[] items ? items.Select(v => ToLong(path, v, what)).ToArray() : throw Malformed(path, $"a tensor's {what} is not a tuple");

    private static RqaException Malformed(string path, string why) => new($"cannot read {path}: {why}");
}
