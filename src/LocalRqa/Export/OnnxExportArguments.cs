using LocalRqa.Arguments;
using LocalRqa.Onnx;

namespace LocalRqa.Export;

/// <summary>
/// The flags of `rqa export onnx`, also what <see cref="Library.ModelExport.ToOnnx"/> takes: which model to export, where
/// to, and how (docs/manual/export.md).
/// </summary>
public sealed record OnnxExportArguments : IArgumentRecord
{
    /// <summary>The opset written unless <see cref="Opset"/> says otherwise (LayerNormalization is an operator from 17).</summary>
    public const int DefaultOpset = 17;

    /// <summary>A model folder (trained by rqa, or any sentence-transformers BERT folder), a HuggingFace id or a built-in
    /// model's name. Required.</summary>
    public string ModelNameOrPath { get; init; } = "";
    /// <summary>The folder to create, or an empty one: the sentence-transformers files, the tokenizer and
    /// onnx/model.onnx. Required; an existing non-empty folder is refused.</summary>
    public string OutputDir { get; init; } = "";
    /// <summary>The ONNX opset, 13 to 21.</summary>
    public int Opset { get; init; } = DefaultOpset;
    /// <summary>Whether the graph also outputs sentence_embedding, pooled and normalised as the model's settings say.</summary>
    public bool PoolingInGraph { get; init; } = true;
    /// <summary>The truncation length written to sentence_bert_config.json; null: the model's maximum.</summary>
    public int? MaxLength { get; init; }

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<OnnxExportArguments>(new(), "export_args")
        .Text("model_name_or_path", a => a.ModelNameOrPath, (a, v) => a with { ModelNameOrPath = v },
            "Model folder (a trained one, a sentence-transformers folder) or HuggingFace id, built-in ones included.", required: true)
        .Text("output_dir", a => a.OutputDir, (a, v) => a with { OutputDir = v },
            "Folder to create (or an empty one): the sentence-transformers files, tokenizer and onnx/model.onnx.", required: true)
        .Integer("opset", a => a.Opset, (a, v) => a with { Opset = v },
            $"ONNX opset ({OnnxGraphBuilder.MinimumOpset} to {OnnxGraphBuilder.MaximumOpset}); below 17 LayerNormalization is decomposed.")
        .Boolean("pooling_in_graph", a => a.PoolingInGraph, (a, v) => a with { PoolingInGraph = v },
            "Also output sentence_embedding, pooled and normalised as the model's settings say.")
        .OptionalInteger("max_length", a => a.MaxLength, (a, v) => a with { MaxLength = v },
            "Truncation length written to sentence_bert_config.json; null: the model's maximum.")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        Require(ModelNameOrPath.Trim().Length > 0, "--model_name_or_path is required");
        Require(OutputDir.Trim().Length > 0, "--output_dir is required");
        Require(Opset is >= OnnxGraphBuilder.MinimumOpset and <= OnnxGraphBuilder.MaximumOpset,
            $"--opset must be between {OnnxGraphBuilder.MinimumOpset} and {OnnxGraphBuilder.MaximumOpset}, got {Opset}");
        Require(MaxLength is null or >= 2, $"--max_length must be at least 2 or none, got {MaxLength}");
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments) => [];

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
