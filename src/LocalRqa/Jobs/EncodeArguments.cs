using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;

namespace LocalRqa.Jobs;

/// <summary>
/// Flags of `rqa encode`. Null pooling, normalisation and length keep the model folder's own settings;
/// <see cref="ToRequest"/> resolves the model to a folder for <see cref="EncodeJob"/>.
/// </summary>
internal sealed record EncodeArguments : IArgumentRecord
{
    public string ModelNameOrPath { get; init; } = ModelLocator.DefaultModel;
    public PromptKind Prompt { get; init; } = PromptKind.None;
    public PoolingType? PoolingType { get; init; }
    public bool? Normalize { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string Input { get; init; } = "";
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string Output { get; init; } = "";
    public int BatchSize { get; init; } = 32;

    public static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<EncodeArguments>(new(), "model_args")
        .Text("model_name_or_path", a => a.ModelNameOrPath, (a, v) => a with { ModelNameOrPath = v },
            $"Model folder or HuggingFace id (built-in: {ModelLocator.DefaultModel}, sentence-transformers/all-MiniLM-L6-v2).")
        .Choice("prompt", [("none", PromptKind.None), ("query", PromptKind.Query), ("passage", PromptKind.Passage)],
            a => a.Prompt, (a, v) => a with { Prompt = v }, "Prompt of the model to prepend.")
        .OptionalChoice("pooling_type", [("mean", Encoders.PoolingType.Mean), ("cls", Encoders.PoolingType.Cls)],
            a => a.PoolingType, (a, v) => a with { PoolingType = v }, "How token states become one embedding; null: the model's.")
        .OptionalBoolean("normalize", a => a.Normalize, (a, v) => a with { Normalize = v }, "L2-normalise embeddings; null: the model's.")
        .OptionalInteger("max_length", a => a.MaxLength, (a, v) => a with { MaxLength = v },
            "Truncate texts to this many tokens; null: the model's maximum.")
        .Group("encode_args")
        .Text("input", a => a.Input, (a, v) => a with { Input = v }, "JSONL file; each line an object with a \"text\" field.", required: true)
        .Text("output", a => a.Output, (a, v) => a with { Output = v },
            "JSONL file to write: {\"text\", \"embedding\"} per line, in input order.", required: true)
        .Integer("batch_size", a => a.BatchSize, (a, v) => a with { BatchSize = v }, "Texts per forward pass (batches are length-sorted).")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    public void Validate(ArgumentSet arguments)
    {
        Require(Input.Trim().Length > 0, "--input is required");
        Require(Output.Trim().Length > 0, "--output is required");
        Require(MaxLength is null or >= 1, $"--max_length must be at least 1 or none, got {MaxLength}");
        Require(BatchSize >= 1, $"--batch_size must be at least 1, got {BatchSize}");
    }

    public IEnumerable<string> Warnings(ArgumentSet arguments) => [];

    /// <summary>The job's request, with <see cref="ModelNameOrPath"/> resolved to a local folder.</summary>
    public EncodeRequest ToRequest(Func<string, string> resolveModel) => new(
        resolveModel(ModelNameOrPath), Input, Output, Prompt,
        new EncoderOverrides { Pooling = PoolingType, Normalize = Normalize, MaxLength = MaxLength }, BatchSize);

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
