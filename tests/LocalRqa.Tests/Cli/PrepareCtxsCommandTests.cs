using LocalRqa.Data;
using LocalRqa.Data.Dca;

namespace LocalRqa.Tests.Cli;

public sealed class PrepareCtxsCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-prepare-ctxs-cli-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void TrainAndEvalFilesGetCtxsFilesBesideThemAndBadInputIsOneLine()
    {
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var train = Path.Combine(work, "train_w_q.jsonl");
        var eval = Path.Combine(work, "eval_w_q.jsonl");
        File.WriteAllLines(train, File.ReadLines(Path.Combine(faire, "train_w_q.jsonl")).Take(3));
        File.WriteAllLines(eval, File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")).Take(2));
        var documents = Path.Combine(work, "docs.jsonl");
        DocumentDatabase.SaveJsonLines(documents, DocumentDatabase.Load(Path.Combine(faire, "documents.pkl")).Take(300));

        var run = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--train_file", train, "--eval_file", eval, "--n_context", "4");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(6, DcaFileReader.Read(Path.Combine(work, "train_w_q_ctxs.json")).Count);
        Assert.All(DcaFileReader.Read(Path.Combine(work, "eval_w_q_ctxs.json")), q => Assert.Equal(4, q.Contexts.Count));

        // Several --input files, kebab spellings, a recipe file with an override.
        var recipe = Path.Combine(work, "prepare.json");
        File.WriteAllText(recipe, $$"""{"full_dataset_file_path": "{{documents}}", "n_context": 9, "retriever": "bm25"}""");
        var inputs = CliRun.Of("prepare-ctxs", recipe, "--input", train, eval, "--n-context", "3");
        Assert.True(inputs.ExitCode == 0, inputs.Stderr);
        Assert.All(DcaFileReader.Read(Path.Combine(work, "train_w_q_ctxs.json")), q => Assert.Equal(3, q.Contexts.Count));
        Assert.All(DcaFileReader.Read(Path.Combine(work, "eval_w_q_ctxs.json")), q => Assert.Equal(3, q.Contexts.Count));

        var bad = CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--input", Path.Combine(work, "missing.jsonl"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
    }
}
