using System.Security.Cryptography;
using System.Text;

namespace LocalRqa.Checkpoints;

/// <summary>
/// A SHA-256 that names a model folder by content: a few header lines (what else changes its outputs, e.g. the
/// dtype it runs in), then the bytes of its defining files (config, tokenizer) and of every weight file. Hashing
/// the files rather than the loaded tensors keeps it cheap for a multi-GB model (one sequential read, ~1 GB/s).
/// A teacher's saved scores carry it, so scores of another model (or the same folder retrained) are never reused.
/// </summary>
internal static class ModelFolderFingerprint
{
    static readonly string[] WeightPatterns = ["*.safetensors", "*.safetensors.index.json", "pytorch_model*.bin", "pytorch_model.bin.index.json"];

    public static string Of(string folder, IEnumerable<string> header, IEnumerable<string> definingFiles)
    {
        if (!Directory.Exists(folder)) throw new RqaException($"{folder}: model folder does not exist");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in header) Append(hash, line);
        foreach (var name in definingFiles) AppendFile(hash, folder, name);
        var weights = WeightPatterns.SelectMany(p => Directory.EnumerateFiles(folder, p))
            .Select(Path.GetFileName).Distinct().Order(StringComparer.Ordinal);
        foreach (var name in weights) AppendFile(hash, folder, name!);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void AppendFile(IncrementalHash hash, string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path)) return;
        Append(hash, $"file:{name}:{new FileInfo(path).Length}");
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
    }

    static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
}
