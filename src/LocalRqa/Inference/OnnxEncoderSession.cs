using LocalRqa.Encoders;
using LocalRqa.Export;
using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Google.Protobuf;

namespace LocalRqa.Inference;

/// <summary>
/// An encoder's current weights as an ONNX Runtime session: the graph <c>rqa export onnx</c> writes (pooling and
/// normalisation inside), built in memory. Its embeddings equal TorchSharp's to within float rounding (the export
/// parity tests: cosine ≥ 0.9999999); the weights are copied, so a session is only good until the next optimizer step.
/// </summary>
internal sealed class OnnxEncoderSession : IDisposable
{
    /// <summary>LayerNormalization is an ONNX operator from opset 17 on: one fused kernel instead of seven.</summary>
    const int Opset = 17;
    /// <summary>ONNX files (protobuf) end at 2 GB; larger models stay on TorchSharp.</summary>
    public const long MaximumWeightBytes = 2_000_000_000;

    readonly InferenceSession session;
    readonly int dimension;
    readonly int padTokenId;

    OnnxEncoderSession(InferenceSession session, int dimension, int padTokenId)
    {
        this.session = session;
        this.dimension = dimension;
        this.padTokenId = padTokenId;
    }

    /// <summary>A session for <paramref name="encoder"/> as it is now, or null when its weights are too large for one ONNX graph.</summary>
    public static OnnxEncoderSession? TryCreate(SentenceEncoder encoder, int threads)
    {
        var graph = SentenceEncoderGraph.Build(encoder, Opset, poolingInGraph: true);
        if (graph.WeightBytes > MaximumWeightBytes) return null;
        var bytes = graph.Build("rqa", "rqa inference", new Dictionary<string, string>()).ToByteArray();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new OnnxEncoderSession(new InferenceSession(bytes, options), encoder.Dimension, encoder.Tokenizer.PadTokenId);
    }

    /// <summary>Pooled (and, as configured, normalised) embeddings of one batch padded to its longest text, rows flattened [B·D].</summary>
    public float[] Embed(IReadOnlyList<TokenizedText> batch)
    {
        var length = batch.Max(t => t.Ids.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        Array.Fill(ids, padTokenId);
        for (var row = 0; row < batch.Count; row++)
            for (var i = 0; i < batch[row].Ids.Length; i++)
            {
                ids[row * length + i] = batch[row].Ids[i];
                mask[row * length + i] = 1;
            }
        long[] shape = [batch.Count, length];
        // One text per row, so token types are all 0, as the TorchSharp forward feeds them.
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var tokenTypes = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions,
            [SentenceEncoderGraph.InputIds, SentenceEncoderGraph.AttentionMask, SentenceEncoderGraph.TokenTypeIds],
            [inputIds, attentionMask, tokenTypes], [SentenceEncoderGraph.SentenceEmbedding]);
        var embeddings = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        if (embeddings.Length != batch.Count * dimension)
            throw new InvalidOperationException($"ONNX Runtime returned {embeddings.Length} values for {batch.Count} × {dimension}");
        return embeddings;
    }

    public void Dispose() => session.Dispose();
}
