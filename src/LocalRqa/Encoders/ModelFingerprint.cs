using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>
/// A SHA-256 over everything that decides an encoder's embeddings: the version of rqa's embedding code, the
/// model's config.json and tokenizer files, and every weight. A persisted index is reused only when it matches,
/// so a fine-tuned checkpoint (same files, other weights), an edited config or an upgraded rqa rebuilds it.
/// </summary>
internal static class ModelFingerprint
{
    /// <summary>Bump when tokenization, the network or pooling change what the same model embeds.</summary>
    public const string EmbeddingCodeVersion = "rqa-embedding-1";

    static readonly string[] DefiningFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json", "added_tokens.json"];

    public static string Of(SentenceEncoder encoder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(EmbeddingCodeVersion + "\n"));
        foreach (var file in DefiningFiles)
        {
            var path = Path.Combine(encoder.SourceFolder, file);
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            if (File.Exists(path)) hash.AppendData(File.ReadAllBytes(path));
        }
        // A projection's weights count too (under their folder's name); a model without one hashes as before.
        var projection = encoder.Projection?.state_dict().Select(kv => ($"{TokenProjection.Folder}.{kv.Key}", kv.Value)) ?? [];
        foreach (var (name, tensor) in encoder.Model.state_dict().Select(kv => (kv.Key, kv.Value)).Concat(projection))
        {
            using var scope = NewDisposeScope();
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            var values = tensor.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
