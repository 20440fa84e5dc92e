using LocalRqa.BuiltIn;
using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

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
        length = batch.Max(t => t.Ids.Length);
        int[] shape = [batch.Count, length];
        var ids = new DenseTensor<long>(shape);
        var mask = new DenseTensor<long>(shape);
        for (var row = 0; row < batch.Count; row++)
            for (var i = 0; i < length; i++)
            {
                ids[row, i] = i < batch[row].Ids.Length ? batch[row].Ids[i] : padId;
                mask[row, i] = i < batch[row].Ids.Length ? 1 : 0;
            }
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(shape)),
        };
        using var results = session.Run(inputs);
        return results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
