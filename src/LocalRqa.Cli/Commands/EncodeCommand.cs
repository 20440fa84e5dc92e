using System.CommandLine;
using LocalRqa.Encoders;
using LocalRqa.BuiltIn;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa encode`: embeddings of JSONL texts, a stable interface for checks and scripts.</summary>
public static class EncodeCommand
{
    public static Command Create()
    {
        var model = Flags.Create("--model_name_or_path", "Model folder or HuggingFace id (built-in: Snowflake/snowflake-arctic-embed-xs, sentence-transformers/all-MiniLM-L6-v2).",
            () => ModelLocator.DefaultModel);
        var input = Flags.Create<string>("--input", "JSONL file; each line an object with a \"text\" field.");
        input.Required = true;
        var output = Flags.Create<string>("--output", "JSONL file to write: {\"text\", \"embedding\"} per line, in input order.");
        output.Required = true;
        var prompt = Flags.Create("--prompt", "Prompt of the model to prepend: query, passage or none.", () => "none");
        prompt.AcceptOnlyFromAmong("query", "passage", "none");
        var pooling = Flags.Create<string?>("--pooling_type", "mean or cls (default: the model's).");
        pooling.AcceptOnlyFromAmong("mean", "cls");
        var normalize = Flags.Boolean("--normalize", "L2-normalise embeddings: true or false (default: the model's).");
        var maxLength = Flags.Create<int?>("--max_length", "Truncate texts to this many tokens (default: the model's).");
        var batchSize = Flags.Create("--batch_size", "Texts per forward pass (batches are length-sorted).", () => 32);

        var command = new Command("encode", "Embed texts with a retriever model.") { model, input, output, prompt, pooling, normalize, maxLength, batchSize };
        command.SetAction(result =>
        {
            var request = new EncodeRequest(
                ModelLocator.Resolve(result.GetValue(model)!),
                result.GetValue(input)!,
                result.GetValue(output)!,
                PromptKinds.Parse(result.GetValue(prompt)!),
                new EncoderOverrides
                {
                    Pooling = result.GetValue(pooling) is { } p ? PoolingTypes.Parse(p) : null,
                    Normalize = result.GetBoolean(normalize),
                    MaxLength = result.GetValue(maxLength),
                },
                result.GetValue(batchSize));
            ConsoleProgress? progress = null;
            var count = EncodeJob.Run(request, total => progress = new ConsoleProgress("encoding", Console.Error, total), Console.Error);
            progress?.Finish();
            Console.Error.WriteLine($"wrote {count} embeddings to {request.OutputPath}");
            return 0;
        });
        return command;
    }
}
