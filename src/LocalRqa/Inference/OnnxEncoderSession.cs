using LocalRqa.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace LocalRqa.Inference;

/// <summary>
/// An ONNX Runtime session over a sentence encoder's graph (the one <c>rqa export onnx</c> writes, with pooling and
/// normalisation inside; inputs input_ids, attention_mask, token_type_ids, output sentence_embedding), embedding
/// token batches. The graph carries a copy of the weights, so a session is only good until the next optimizer step.
/// </summary>
internal sealed class OnnxEncoderSession : IDisposable
{
    // The names Encoders/SentenceEncoderGraph gives its inputs and output (this layer cannot see it).
    const string InputIds = "input_ids";
    const string AttentionMask = "attention_mask";
    const string TokenTypeIds = "token_type_ids";
    const string SentenceEmbedding = "sentence_embedding";

    readonly InferenceSession session;
    readonly int dimension;
    readonly int padTokenId;

    /// <param name="onnxModel">the serialised ModelProto</param>
    /// <param name="dimension">the embedding size the graph outputs</param>
    public OnnxEncoderSession(byte[] onnxModel, int dimension, int padTokenId, int threads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        session = new InferenceSession(onnxModel, options);
        this.dimension = dimension;
        this.padTokenId = padTokenId;
    }
    /// <summary>Pooled (and, as configured, normalised) embeddings of one batch padded to its longest text, rows flattened [B·D].</summary>
    public float[] Embed(IReadOnlyList<TokenizedText> batch)
    {
        var padded = PaddedTokenIds.Of(batch, padTokenId);
        long[] shape = [padded.Rows, padded.Length];
        // One text per row, so token types are all 0, as the TorchSharp forward feeds them.
        using var inputIds = OrtValue.CreateTensorValueFromMemory(padded.Ids, shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(padded.Mask, shape);
        using var tokenTypes = OrtValue.CreateTensorValueFromMemory(new long[padded.Ids.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions,
            [InputIds, AttentionMask, TokenTypeIds],
            [inputIds, attentionMask, tokenTypes], [SentenceEmbedding]);
        var embeddings = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        if (embeddings.Length != batch.Count * dimension)
            throw new InvalidOperationException($"ONNX Runtime returned {embeddings.Length} values for {batch.Count} × {dimension}");
        return embeddings;
    }

    public void Dispose() => session.Dispose();
}
