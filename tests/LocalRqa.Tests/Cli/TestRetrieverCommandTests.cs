using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Files;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa test-retriever` end to end on a slice of the Faire data with the tiny fixture model.</summary>
public sealed class TestRetrieverCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-test-retriever-").FullName;
    readonly string documents;
    readonly string questions;
    readonly string model = TestPaths.Fixture("bert-tiny");

    public TestRetrieverCommandTests()
    {
        // 8 question lines (16 questions), their gold passages and 150 other passages.
        var slice = FaireSlice.EvalOnly(work, "eval_w_q.jsonl", 8, 150);
        (questions, documents) = (slice.Eval, slice.Documents);
    }

    public void Dispose() => Directory.Delete(work, true);

    CliRun Run(string output, params string[] extra) => CliRun.Of(
        ["test-retriever", "--embedding_model_name_or_path", model, "--document_path", documents, "--eval_data_path", questions,
         "--output_dir", output, "--test_bszv", "4", .. extra]);

    static JsonObject Scores(string output) => JsonNode.Parse(File.ReadAllText(Path.Combine(output, "score.json")))!.AsObject();

    [Fact]
    public void DenseRunWritesLocalRqasFilesAndReusesItsIndex()
    {
        var output = Path.Combine(work, "out");
        var index = Path.Combine(work, "index");
        var first = Run(output, "--index_path", index);
        Assert.True(first.ExitCode == 0, first.Stderr);
        foreach (var file in new[] { "all_args.json", "score.json", "test-predictions.jsonl", "test.log" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);

        var args = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "all_args.json")))!;
        Assert.Equal(model, args["model_args"]!["embedding_model_name_or_path"]!.GetValue<string>());
        Assert.Equal(4, args["test_args"]!["test_bszv"]!.GetValue<int>());

        var scores = Scores(output);
        foreach (var key in new[] { "test_retr/document_recall/recall1", "test_retr/document_recall/recall4", "test_retr/document_recall/likely_recall",
                     "test_retr/document_accuracy/accuracy", "test_retr/document_accuracy/likely_accuracy", "test_retr/latency/avg_latency",
                     "test_e2e/latency/total_latency", "test_retr/ranking/ndcg@10" })
            Assert.True(scores.ContainsKey(key), key);
        Assert.Equal(scores.Select(kv => kv.Key).Order(StringComparer.Ordinal), scores.Select(kv => kv.Key)); // sorted, as LocalRQA dumps it

        var predictions = File.ReadLines(Path.Combine(output, "test-predictions.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(16, predictions.Count);
        var retrieved = predictions[0]["retrieved_docs"]!.AsArray();
        Assert.Equal(4, retrieved.Count);
        var bestScore = retrieved[0]!["metadata"]!["retrieve_score"]!.GetValue<double>();
        Assert.True(bestScore >= retrieved[3]!["metadata"]!["retrieve_score"]!.GetValue<double>()); // cosine: higher first
        Assert.Contains("embedding", File.ReadAllText(Path.Combine(output, "test.log")));
        Assert.True(File.Exists(Path.Combine(index, "manifest.json")));

        // Second run: the index is reused, the numbers are the same.
        var again = Path.Combine(work, "again");
        var second = Run(again, "--index_path", index);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("reusing the index", File.ReadAllText(Path.Combine(again, "test.log")));
        Assert.Equal(scores["test_retr/document_recall/recall4"]!.GetValue<double>(), Scores(again)["test_retr/document_recall/recall4"]!.GetValue<double>());

        // An index built with another similarity is refused, then rebuilt on request.
        var refused = Run(Path.Combine(work, "l2"), "--index_path", index, "--similarity", "l2");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("similarity cosine vs euclidean", refused.Stderr); // l2 is read as euclidean, and printed so
        Assert.Contains("--rebuild_index", refused.Stderr);
        var rebuilt = Run(Path.Combine(work, "l2"), "--index_path", index, "--similarity", "l2", "--rebuild_index");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.Equal("euclidean", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(work, "l2", "all_args.json")))!["test_args"]!["similarity"]);
        Assert.Equal("euclidean", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(index, "manifest.json")))!["similarity"]);
        Assert.Contains("similarity euclidean", File.ReadAllText(Path.Combine(work, "l2", "test.log")));
        var l2Predictions = JsonNode.Parse(File.ReadLines(Path.Combine(work, "l2", "test-predictions.jsonl")).First())!["retrieved_docs"]!.AsArray();
        Assert.True(l2Predictions[0]!["metadata"]!["retrieve_score"]!.GetValue<double>() <= l2Predictions[3]!["metadata"]!["retrieve_score"]!.GetValue<double>()); // euclidean: smaller first
    }

    [Fact]
    public void Bm25RunAndComparisonWithTheDenseRun()
    {
        var dense = Path.Combine(work, "dense");
        Assert.Equal(0, Run(dense).ExitCode);
        var bm25 = Path.Combine(work, "bm25");
        var run = Run(bm25, "--retriever_type", "bm25", "--compare_with", Path.Combine(dense, "test-predictions.jsonl"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var comparison = JsonNode.Parse(File.ReadAllText(Path.Combine(bm25, "comparison.json")))!;
        Assert.Equal(16, comparison["questions"]!.GetValue<int>());
        var recall4 = comparison["metrics"]!["document_recall/recall4"]!;
        // The same rates (k/16, C# doubles) written to two JSON files: 1e-12 absolute instead of rounding to 9 decimals.
        Assert.Equal(Scores(bm25)["test_retr/document_recall/recall4"]!.GetValue<double>(), recall4["candidate"]!.GetValue<double>(), 1e-12);
        Assert.Equal(Scores(dense)["test_retr/document_recall/recall4"]!.GetValue<double>(), recall4["baseline"]!.GetValue<double>(), 1e-12);
        // recall4 is 0/1 per question: the difference of the means is (gained - lost) / questions.
        var gained = recall4["gained"]!.AsArray().Count;
        var lost = recall4["lost"]!.AsArray().Count;
        Assert.Equal((gained - lost) / 16.0, recall4["difference"]!.GetValue<double>(), 1e-12); // difference of two k/16 means in C# double: ≤ 1 ulp
        Assert.InRange(recall4["p_value"]!.GetValue<double>(), 0, 1);
    }

    [Fact]
    public void AStagingFolderOfAKilledRunIsRemoved()
    {
        // What a run killed while writing its results leaves: a staging folder named with its (now dead) PID.
        var output = Path.Combine(work, "killed");
        var orphan = Path.Combine(output, $"{ResultFiles.StagingPrefix}{DeadPid()}-0", "score.json");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.WriteAllText(orphan, "{}");
        var run = Run(output, "--retriever_type", "bm25");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Empty(Directory.GetDirectories(output, ResultFiles.StagingPrefix + "*"));
        Assert.True(File.Exists(Path.Combine(output, "score.json")));
    }

    /// <summary>The PID of a process that has exited.</summary>
    static int DeadPid()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void ComparingWithThisFoldersPreviousRunUsesThatRun()
    {
        var output = Path.Combine(work, "same");
        Assert.Equal(0, Run(output, "--retriever_type", "bm25").ExitCode);
        var bm25Recall4 = Scores(output)["test_retr/document_recall/recall4"]!.GetValue<double>();
        var run = Run(output, "--compare_with", Path.Combine(output, "test-predictions.jsonl"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var recall4 = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "comparison.json")))!["metrics"]!["document_recall/recall4"]!;
        // The same k/16 rates (C# doubles) read back from two JSON files: 1e-12 absolute instead of rounding to 9 decimals.
        Assert.Equal(bm25Recall4, recall4["baseline"]!.GetValue<double>(), 1e-12); // the BM25 run, not this dense run compared with itself
        Assert.Equal(Scores(output)["test_retr/document_recall/recall4"]!.GetValue<double>(), recall4["candidate"]!.GetValue<double>(), 1e-12);
    }

    [Fact]
    public void RebuildNeverReplacesAFolderThatIsNotAnIndex()
    {
        var precious = Directory.CreateDirectory(Path.Combine(work, "precious")).FullName;
        File.WriteAllText(Path.Combine(precious, "notes.txt"), "keep me");
        var run = Run(Path.Combine(work, "o"), "--index_path", precious, "--rebuild_index");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("refusing to overwrite it", run.Stderr);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(precious, "notes.txt")));
    }

    [Fact]
    public void AnIndexOfAnEditedModelIsRefused()
    {
        var index = Path.Combine(work, "index");
        Assert.Equal(0, Run(Path.Combine(work, "a"), "--index_path", index).ExitCode);
        var edited = Directory.CreateDirectory(Path.Combine(work, "edited")).FullName;
        foreach (var file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(edited, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(edited, "config.json")))!;
        config["layer_norm_eps"] = 1e-5; // same weights, different network
        File.WriteAllText(Path.Combine(edited, "config.json"), config.ToJsonString());
        var run = CliRun.Of("test-retriever", "--embedding_model_name_or_path", edited, "--document_path", documents, "--eval_data_path", questions,
            "--output_dir", Path.Combine(work, "b"), "--index_path", index);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("different model", run.Stderr);
    }

    [Fact]
    public void BadInputIsAOneLineError()
    {
        var file = Path.Combine(work, "a-file");
        File.WriteAllText(file, "x");
        var run = Run(file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a file, not a folder", run.Stderr);

        var foreign = Path.Combine(work, "foreign.pkl");
        File.WriteAllBytes(foreign, [0x80, 0x02, (byte)'c', .. "os\nsystem\n"u8.ToArray(), (byte)'q', 0x00, (byte)'.']);
        var refused = CliRun.Of("test-retriever", "--retriever_type", "bm25", "--document_path", foreign, "--eval_data_path", questions, "--output_dir", Path.Combine(work, "o"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("os.system, which is not allowed", refused.Stderr);
        Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("rqa: error:"));
    }
}
