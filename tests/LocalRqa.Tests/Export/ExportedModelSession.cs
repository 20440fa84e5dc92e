using LocalRqa.Encoders;
using LocalRqa.Export;
using LocalRqa.Tokenization;
using LocalRqa.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalRqa.Tests.Export;

/// <summary>
/// ONNX Runtime on an exported folder, using only what the folder holds (its tokenizer files, its sentence-transformers
/// settings and onnx/model.onnx), as a .NET service would: no model weights, no TorchSharp.
/// </summary>
internal sealed class ExportedModelSession : IDisposable
{
    readonly InferenceSession session;

    public ITextTokenizer Tokenizer { get; }
    public EncoderSettings Settings { get; }
    public IReadOnlyList<string> InputNames => [.. session.InputMetadata.Keys];
    public IReadOnlyList<string> OutputNames => [.. session.OutputMetadata.Keys];
    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => session.InputMetadata;
    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => session.OutputMetadata;
    public IReadOnlyDictionary<string, string> CustomMetadata => session.ModelMetadata.CustomMetadataMap;

    public ExportedModelSession(string folder)
    {
        Tokenizer = TokenizerLoader.FromFolder(folder);
        Settings = SentenceTransformersFolder.ReadDefaults(folder, fallbackMaxLength: 512, poolingOverridden: false);
        session = new InferenceSession(Path.Combine(folder, OnnxModelFolder.OnnxFile));
    }

    /// <summary>Token ids of texts with the prompt, lower-cased and truncated as the folder's settings say.</summary>
    public TokenizedText[] Tokenize(IReadOnlyList<string> texts, PromptKind prompt) =>
        [.. texts.Select(t => Settings.Prompt(prompt) + t).Select(t => Tokenizer.Encode(Settings.LowerCaseInput ? t.ToLowerInvariant() : t, Settings.MaxLength))];

    /// <summary>
    /// One batch padded to its longest text: sentence_embedding rows when the graph has that output, else the
    /// folder's pooling (and normalisation) applied here to last_hidden_state, as sentence-transformers' modules do.
    /// </summary>
    public float[][] Embed(IReadOnlyList<TokenizedText> batch)
    {
        var inputs = OrtBertInputs.Padded(batch, Tokenizer.PadTokenId, out _);
        using var results = session.Run(inputs);
        if (results.FirstOrDefault(r => r.Name == "sentence_embedding") is { } pooled)
        {
            var flat = pooled.AsEnumerable<float>().ToArray();
            var dim = flat.Length / batch.Count;
            return [.. Enumerable.Range(0, batch.Count).Select(r => flat.AsSpan(r * dim, dim).ToArray())];
        }
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>(); // [B, T, D]
        return [.. Enumerable.Range(0, batch.Count).Select(r => Pool(hidden, r, batch[r].Ids.Length))];
    }

    float[] Pool(Tensor<float> hidden, int row, int tokens)
    {
        var dim = hidden.Dimensions[2];
        var pooled = new float[dim];
        for (var d = 0; d < dim; d++)
        {
            if (Settings.Pooling == PoolingType.Cls) { pooled[d] = hidden[row, 0, d]; continue; }
            var sum = 0f;
            for (var t = 0; t < tokens; t++) sum += hidden[row, t, d];
            pooled[d] = sum / tokens;
        }
        if (!Settings.Normalize) return pooled;
        var norm = MathF.Sqrt(pooled.Sum(v => v * v));
        return [.. pooled.Select(v => v / Math.Max(norm, 1e-12f))];
    }

    public void Dispose() => session.Dispose();
}
