using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Export;
using LocalRqa.Logging;

namespace LocalRqa.Library;

/// <summary>
/// Exports a retriever for serving without rqa: the same work as `rqa export onnx` (docs/manual/export.md), in the
/// caller's process.
/// </summary>
public static class ModelExport
{
    /// <summary>
    /// Writes <see cref="OnnxExportArguments.OutputDir"/>: a sentence-transformers folder (config, tokenizer, pooling
    /// and normalisation settings) with onnx/model.onnx, which ONNX Runtime runs with inputs input_ids, attention_mask
    /// (and token_type_ids where the model has them) and outputs last_hidden_state and, with pooling in the graph,
    /// sentence_embedding. The folder appears complete or not at all.
    /// </summary>
    /// <param name="arguments">the model, the output folder and the export's settings</param>
    /// <param name="log">where progress lines go; null: nowhere</param>
    /// <returns>the full path of the folder written</returns>
    /// <exception cref="RqaException">a flag out of range, a model that cannot be loaded or is not a BERT encoder, an output
    /// folder that exists and is not empty or cannot be written: what the CLI reports as a one-line error</exception>
    public static string ToOnnx(OnnxExportArguments arguments, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentSet.Create(arguments); // validated as the parser validates the flags
        using var runLog = new RunLog(log ?? TextWriter.Null);
        return OnnxExportJob.Run(arguments, ModelLocator.Resolve, runLog);
    }
}
