using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalRqa.Tests.Onnx;

/// <summary>A BERT graph's inputs for ONNX Runtime: token ids padded to the batch's longest, their mask, token types 0.</summary>
static class OrtBertInputs
{
    public static List<NamedOnnxValue> Padded(IReadOnlyList<TokenizedText> batch, int padId, out int length)
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
        return
        [
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(shape)),
        ];
    }
}
