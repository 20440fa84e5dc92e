using System.Diagnostics;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// A flag set where it has no effect, and an empty question, each get one warning line instead of being silently
/// ignored (real rqa processes: the warnings go to the console and the run's log).
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class IgnoredFlagWarningTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-ignored-").FullName;
    readonly string train, eval, documents;

    public IgnoredFlagWarningTests()
    {
        (train, eval, documents) = FaireSlice.Create(work, "train_w_q.jsonl", 4, "eval_w_q.jsonl", 3, leadingDocuments: 20);
    }

    public void Dispose() => Directory.Delete(work, true);

    static (int ExitCode, string[] Warnings) Rqa(params string[] args)
    {
        var run = RqaProcess.Run(args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (run.ExitCode, run.Stderr.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void Bm25WarnsAboutTheDenseFlagsItIgnoresAndAnEmptyQuestionIsNamed()
    {
        var questions = Path.Combine(work, "questions.jsonl");
        var blank = System.Text.Json.Nodes.JsonNode.Parse(File.ReadLines(eval).First())!.AsObject();
        blank.Remove("questions");
        blank["question"] = " ";
        File.WriteAllLines(questions, [.. File.ReadLines(eval).Take(2), blank.ToJsonString()]);
        var output = Path.Combine(work, "bm25");
        var (_, warnings) = Rqa("test-retriever", "--retriever_type", "bm25", "--document_path", documents, "--eval_data_path", questions,
            "--output_dir", output, "--index_path", Path.Combine(work, "index"), "--similarity", "ip");

        Assert.Contains(warnings, w => w == $"warning: --index_path {Path.Combine(work, "index")} has no effect with --retriever_type bm25 " +
                                           "(BM25 embeds nothing and keeps no vector index)");
        Assert.Contains(warnings, w => w.StartsWith("warning: --similarity dot has no effect with --retriever_type bm25", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"warning: {questions}:3: empty question", StringComparison.Ordinal));
        // The warnings are in the run's log too.
        Assert.Contains("--index_path", File.ReadAllText(Path.Combine(output, "test.log")));
    }

    [Fact]
    public void PrepareCtxsWithBm25WarnsAboutTheModelItIgnores()
    {
        var (_, warnings) = Rqa("prepare-ctxs", "--full_dataset_file_path", documents, "--input", train, "--output", Path.Combine(work, "ctxs.json"),
            "--n_context", "3", "--model_name_or_path", TestPaths.Fixture("bert-tiny"));

        Assert.Contains(warnings, w => w == $"warning: --model_name_or_path {TestPaths.Fixture("bert-tiny")} has no effect with --retriever bm25 (BM25 embeds nothing)");
    }

    [Fact]
    public void EncodeWarnsAboutAPromptTheModelDoesNotHave()
    {
        var input = Path.Combine(work, "texts.jsonl");
        File.WriteAllText(input, """{"text": "How do I reset my password?"}""" + "\n");
        var (_, warnings) = Rqa("encode", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--input", input,
            "--output", Path.Combine(work, "emb.jsonl"), "--prompt", "query");

        var warning = Assert.Single(warnings);
        Assert.StartsWith("warning: --prompt query has no effect:", warning);
        Assert.Contains("has no query prompt", warning);
    }
}
