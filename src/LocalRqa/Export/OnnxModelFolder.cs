using System.Text.Json.Nodes;
using Google.Protobuf;
using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Json;
using LocalRqa.Modeling;
using LocalRqa.Onnx.Schema;

namespace LocalRqa.Export;

/// <summary>
/// What `rqa export onnx` writes: a sentence-transformers folder without PyTorch weights, its network in
/// <see cref="OnnxFile"/>. sentence-transformers' ONNX backend loads `onnx/model.onnx` when the folder's root has no
/// model.onnx (SentenceTransformer(folder, backend="onnx")), and Optimum reads config.json and the tokenizer files
/// beside it; .NET callers open the same file with ONNX Runtime.
/// </summary>
internal static class OnnxModelFolder
{
    /// <summary>The graph, relative to the folder: where sentence-transformers' ONNX backend looks.</summary>
    public const string OnnxFile = "onnx/model.onnx";

    /// <summary>
    /// Fills <paramref name="folder"/> (a staging folder): config.json, the tokenizer files, the sentence-transformers
    /// files and the graph. A token projection is inside the graph (last_hidden_state is the projected token states), so
    /// modules.json lists the standard Transformer → Pooling (→ Normalize) and Python needs no rqa module.
    /// </summary>
    internal static void Write(string folder, SentenceEncoder encoder, ModelProto model)
    {
        encoder.WriteConfigAndTokenizer(folder);
        SentenceTransformersFolder.Write(folder, encoder.Settings, encoder.Dimension);
        AtomicFile.Write(Path.Combine(folder, OnnxFile), stream => model.WriteTo(stream));
    }
}
