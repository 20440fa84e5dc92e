using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalRqa.Bench;

/// <summary>
/// The reference: ONNX Runtime running the packaged model.onnx of a built-in model on the same token ids,
/// pooled and normalised like the model's sentence-transformers pipeline.
/// </summary>
internal sealed class OnnxReferenceEncoder : IDisposable
{
    readonly InferenceSession session;
    readonly BuiltInModel model;

    public OnnxReferenceEncoder(BuiltInModel model, int threads, string? profilePrefix = null) : this(model, PackagedOnnx(model), threads, profilePrefix) { }

    /// <summary>Another ONNX file of the same model (e.g. `rqa export onnx`'s), pooled the same way.</summary>
    public OnnxReferenceEncoder(BuiltInModel model, string onnxFile, int threads) : this(model, File.ReadAllBytes(onnxFile), threads) { }

    OnnxReferenceEncoder(BuiltInModel model, byte[] onnx, int threads, string? profilePrefix = null)
    {
        this.model = model;
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (profilePrefix != null) options.EnableProfiling = true;
        if (profilePrefix != null) options.ProfileOutputPathPrefix = profilePrefix;
        session = new InferenceSession(onnx, options);
    }

    /// <summary>Ends ONNX Runtime's profiling (when asked for) and returns the JSON file it wrote.</summary>
    public string EndProfiling() => session.EndProfiling();

    static byte[] PackagedOnnx(BuiltInModel model)
    {
        using var stream = EmbeddedResourceLocator.Open(BuiltInModels.LocateAssembly(model), model.OnnxResourceName, out var length);
        var onnx = new byte[length];
        stream.ReadExactly(onnx);
        return onnx;
    }

    /// <summary>last_hidden_state [B, T, H] flattened, for a batch padded to its longest text.</summary>
    public float[] LastHiddenState(IReadOnlyList<TokenizedText> batch, int padId, out int length)
    {
        length = batch.Max(t => t.Ids.Length);
        var ids = new DenseTensor<long>([batch.Count, length]);
        var mask = new DenseTensor<long>([batch.Count, length]);
        var types = new DenseTensor<long>([batch.Count, length]);
        for (var row = 0; row < batch.Count; row++)
            for (var i = 0; i < length; i++)
            {
                var real = i < batch[row].Ids.Length;
                ids[row, i] = real ? batch[row].Ids[i] : padId;
                mask[row, i] = real ? 1 : 0;
            }
        var inputs = new List<NamedOnnxValue>();
        foreach (var name in session.InputMetadata.Keys)
            inputs.Add(NamedOnnxValue.CreateFromTensor(name, name switch
            {
                "input_ids" => ids,
                "attention_mask" => mask,
                "token_type_ids" => types,
                _ => throw new InvalidOperationException($"unexpected ONNX input {name}"),
            }));
        using var results = session.Run(inputs);
        return results.First(r => r.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
    }

    /// <summary>Pooled, normalised embeddings of a batch, one row per text.</summary>
    public float[][] Embed(IReadOnlyList<TokenizedText> batch, int padId)
    {
        var hidden = LastHiddenState(batch, padId, out var length);
        var dim = hidden.Length / (batch.Count * length);
        var result = new float[batch.Count][];
        for (var row = 0; row < batch.Count; row++)
        {
            var vector = new float[dim];
            var count = model.Pooling == PoolingType.Cls ? 1 : batch[row].Ids.Length;
            for (var t = 0; t < count; t++)
                for (var d = 0; d < dim; d++)
                    vector[d] += hidden[(row * length + t) * dim + d] / count;
            if (model.Normalize)
            {
                var norm = Math.Max(Math.Sqrt(vector.Sum(v => (double)v * v)), 1e-12);
                for (var d = 0; d < dim; d++) vector[d] = (float)(vector[d] / norm);
            }
            result[row] = vector;
        }
        return result;
    }

    public void Dispose() => session.Dispose();
}
