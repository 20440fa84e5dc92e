using LocalRqa.BuiltIn;
using LocalRqa.Tokenization;
using LocalRqa.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LocalRqa.Tests.BuiltIn;

/// <summary>ONNX Runtime running a built-in model's packaged model.onnx: the reference for the conversion.</summary>
public sealed class OnnxRuntimeReference : IDisposable
{
    readonly InferenceSession session;

    internal OnnxRuntimeReference(BuiltInModel model)
    {
        using var stream = EmbeddedResourceLocator.Open(BuiltInModels.LocateAssembly(model), model.OnnxResourceName, out var length);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        session = new InferenceSession(bytes);
    }

    /// <summary>last_hidden_state [B, T, H] (flattened) of token ids padded to the longest with <paramref name="padId"/>.</summary>
    internal float[] LastHiddenState(IReadOnlyList<TokenizedText> batch, int padId, out int length)
    {
        var inputs = OrtBertInputs.Padded(batch, padId, out length);
        using var results = session.Run(inputs);
        return results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
