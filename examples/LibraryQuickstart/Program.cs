using LibraryQuickstart;
using LocalRqa;
using LocalRqa.Library;

// dotnet run --project examples/LibraryQuickstart -- [model] [data folder] [work folder] [training steps]
// Defaults: the built-in model, examples/faire, a new temporary folder, 3 steps. Run from the repository root.
var model = args.Length > 0 ? args[0] : EmbeddingModel.DefaultModelId;
var data = args.Length > 1 ? args[1] : Path.Combine("examples", "faire");
var work = args.Length > 2 ? args[2] : Directory.CreateTempSubdirectory("rqa-quickstart-").FullName;
var steps = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
try
{
    var result = Quickstart.Run(model, Path.Combine(data, "documents.pkl"), Path.Combine(data, "train_w_q.jsonl"),
        Path.Combine(data, "eval_w_q.jsonl"), work, steps, Console.Error);
    var passage = result.BestPassage.ReplaceLineEndings(" ");
    Console.WriteLine($"best passage for \"How do I return an order?\": {passage[..Math.Min(100, passage.Length)]}");
    Console.WriteLine($"recall@4 (dense, bm25, hybrid, trained): {result.Dense.Recall4:F3} {result.Bm25.Recall4:F3} {result.Hybrid.Recall4:F3} {result.Trained.Recall4:F3}");
    Console.WriteLine($"work folder: {work}");
    return 0;
}
catch (RqaException e)
{
    // A user error (a missing file, a bad model folder): one line, as rqa prints it.
    Console.Error.WriteLine($"quickstart: error: {e.Message}");
    return 2;
}
