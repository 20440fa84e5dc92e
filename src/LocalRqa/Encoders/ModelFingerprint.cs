using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>
/// A SHA-256 over an encoder's configuration and every weight, so a persisted index can tell whether it was
/// built by exactly this model (a fine-tuned checkpoint differs from its base in weights only).
/// </summary>
public static class ModelFingerprint
{
    public static string Of(SentenceEncoder encoder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var config = encoder.Model.Config;
        hash.AppendData(Encoding.UTF8.GetBytes($"{config.ModelType}|{config.HiddenSize}|{config.NumHiddenLayers}|{config.VocabSize}|{config.HiddenAct}\n"));
        foreach (var (name, tensor) in encoder.Model.state_dict())
        {
            using var scope = NewDisposeScope();
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            var values = tensor.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
