using LocalRqa.Data;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Small LocalRQA files cut from the shared Faire data for end-to-end CLI runs: the first lines of a training and an
/// evaluation file, and a document database of the first documents plus every gold passage those lines name.
/// </summary>
internal sealed record FaireSlice(string Train, string Eval, string Documents)
{
    static string Faire => Path.Combine(TestPaths.SharedDataRoot, "faire");

    public static FaireSlice Create(string work, string trainFile, int trainLines, string evalFile, int evalLines, int leadingDocuments)
    {
        var train = Lines(work, "train.jsonl", trainFile, trainLines);
        var eval = Lines(work, "eval.jsonl", evalFile, evalLines);
        return new FaireSlice(train, eval, Database(work, leadingDocuments, train, eval));
    }

    /// <summary>Questions only (test-retriever): no training file (<see cref="Train"/> is empty).</summary>
    public static FaireSlice EvalOnly(string work, string evalFile, int evalLines, int leadingDocuments)
    {
        var eval = Lines(work, "eval.jsonl", evalFile, evalLines);
        return new FaireSlice("", eval, Database(work, leadingDocuments, eval));
    }

    static string Lines(string work, string name, string sharedFile, int lines)
    {
        var path = Path.Combine(work, name);
        File.WriteAllLines(path, File.ReadLines(Path.Combine(Faire, sharedFile)).Take(lines));
        return path;
    }

    static string Database(string work, int leadingDocuments, params string[] questionFiles)
    {
        var gold = questionFiles.SelectMany(f => RetrievalDataReader.Read(f)).SelectMany(e => e.GoldDocs).Select(d => d.Identity).ToHashSet();
        var documents = Path.Combine(work, "docs.jsonl");
        DocumentDatabase.SaveJsonLines(documents,
            DocumentDatabase.Load(Path.Combine(Faire, "documents.pkl")).Where((d, i) => i < leadingDocuments || gold.Contains(d.Identity)));
        return documents;
    }
}
