using LocalRqa.Data;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Small LocalRQA files cut from the shared Faire data for end-to-end CLI runs: the first lines of a training and an
/// evaluation file, and a document database of the first documents plus every gold passage those lines name.
/// </summary>
internal sealed record FaireSlice(string Train, string Eval, string Documents)
{
    public static FaireSlice Create(string work, string trainFile, int trainLines, string evalFile, int evalLines, int leadingDocuments)
    {
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var train = Path.Combine(work, "train.jsonl");
        File.WriteAllLines(train, File.ReadLines(Path.Combine(faire, trainFile)).Take(trainLines));
        var eval = Path.Combine(work, "eval.jsonl");
        File.WriteAllLines(eval, File.ReadLines(Path.Combine(faire, evalFile)).Take(evalLines));
        var gold = RetrievalDataReader.Read(train).Concat(RetrievalDataReader.Read(eval)).SelectMany(e => e.GoldDocs).Select(d => d.Identity).ToHashSet();
        var documents = Path.Combine(work, "docs.jsonl");
        DocumentDatabase.SaveJsonLines(documents,
            DocumentDatabase.Load(Path.Combine(faire, "documents.pkl")).Where((d, i) => i < leadingDocuments || gold.Contains(d.Identity)));
        return new FaireSlice(train, eval, documents);
    }
}
