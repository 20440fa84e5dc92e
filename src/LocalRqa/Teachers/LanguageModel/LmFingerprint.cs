using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// A SHA-256 that names one frozen LM as the score cache sees it: the dtype it runs in (bfloat16 scores differ
/// from float32 ones), config.json, the tokenizer files and the bytes of every weight file. Hashing the files
/// rather than the loaded tensors keeps it cheap for a multi-GB LM (one sequential read, ~1 GB/s) and lets the
/// fingerprint be computed without converting weights.
/// </summary>
public static class LmFingerprint
{
    static readonly string[] DefiningFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.model"];

    static readonly string[] WeightPatterns = ["*.safetensors", "*.safetensors.index.json", "pytorch_model*.bin", "pytorch_model.bin.index.json"];

    public static string OfFolder(string folder, ScalarType weightType)
    {
        if (!Directory.Exists(folder)) throw new RqaException($"{folder}: language-model folder does not exist");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, $"dtype:{weightType}");
        foreach (var name in DefiningFiles) AppendFile(hash, folder, name);
        var weights = WeightPatterns.SelectMany(p => Directory.EnumerateFiles(folder, p))
            .Select(System.IO.Path.GetFileName).Distinct().Order(StringComparer.Ordinal);
        foreach (var name in weights) AppendFile(hash, folder, name!);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void AppendFile(IncrementalHash hash, string folder, string name)
    {
        var path = System.IO.Path.Combine(folder, name);
        if (!File.Exists(path)) return;
        Append(hash, $"file:{name}:{new FileInfo(path).Length}");
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, read);
    }

    static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
}
