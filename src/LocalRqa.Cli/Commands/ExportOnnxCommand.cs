using LocalRqa.BuiltIn;
using LocalRqa.Export;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa export onnx`: a model as an ONNX file inside a sentence-transformers folder, for ONNX Runtime.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create() => new("export onnx", "Export a retriever model to ONNX (a sentence-transformers folder with onnx/model.onnx).",
        [OnnxExportArguments.Schema], (arguments, log) =>
        {
            OnnxExportJob.Run(arguments.Get<OnnxExportArguments>(), ModelLocator.Resolve, log);
            return 0;
        });
}
