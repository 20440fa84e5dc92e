using System.CommandLine;
using LocalRqa.Data.Dca;
using LocalRqa.BuiltIn;
using LocalRqa.Logging;

namespace LocalRqa.Cli.Commands;

/// <summary>`rqa prepare-ctxs`: DCA files (questions with n_context retrieved passages, gold first) from LocalRQA data.</summary>
public static class PrepareCtxsCommand
{
    public static Command Create()
    {
        var documents = Flags.Create<string>("--full_dataset_file_path", "Document database: LocalRQA documents.pkl, JSONL or a JSON list of {page_content, fmt_content?, metadata?}.");
        documents.Required = true;
        var input = Flags.Create<string[]>("--input", "LocalRQA question files (JSONL with questions or question, and gold_docs); one or more.");
        input.AllowMultipleArgumentsPerToken = true;
        var train = Flags.Create<string?>("--train_file", "A LocalRQA training file to prepare (as --input).");
        var eval = Flags.Create<string?>("--eval_file", "A LocalRQA evaluation file to prepare (as --input).");
        var output = Flags.Create<string?>("--output", "The DCA file to write (one input only; default: <name>_ctxs.json beside each input; .jsonl writes JSON lines).");
        var retriever = Flags.Create("--retriever", "bm25 or dense.", () => "bm25");
        retriever.AcceptOnlyFromAmong("bm25", "dense");
        var model = Flags.Create<string?>("--model_name_or_path", $"Dense model folder or HuggingFace id (with --retriever dense; e.g. {ModelLocator.DefaultModel}).");
        var nContext = Flags.Create("--n_context", "Passages per question, gold passages included.", () => 50);
        var batchSize = Flags.Create("--batch_size", "Texts per forward pass when embedding with a dense model.", () => 32);

        var command = new Command("prepare-ctxs", "Build DCA files: each question with n_context retrieved passages, its gold passage first.")
        {
            documents, input, train, eval, output, retriever, model, nContext, batchSize,
        };
        command.SetAction(result =>
        {
            var inputs = (result.GetValue(input) ?? []).Concat(new[] { result.GetValue(train), result.GetValue(eval) }.OfType<string>()).ToList();
            var request = new PrepareCtxsRequest
            {
                DocumentPath = result.GetValue(documents)!,
                Inputs = inputs,
                Output = result.GetValue(output),
                Retriever = result.GetValue(retriever)!,
                ModelNameOrPath = result.GetValue(model),
                NContext = result.GetValue(nContext),
                BatchSize = result.GetValue(batchSize),
            };
            using var log = new RunLog(Console.Error);
            PrepareCtxsJob.Run(request, log, (label, total) => new ConsoleProgress(label, Console.Error, total));
            return 0;
        });
        return command;
    }
}
