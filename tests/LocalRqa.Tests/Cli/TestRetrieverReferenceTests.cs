using System.Text.Json.Nodes;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// The reference numbers of ../shared/data/faire/README.md, reproduced by `rqa test-retriever` on the whole
/// Faire eval set (73 questions, 1,758 passages): within one question, as the issue asks.
/// </summary>
[Trait("Category", "ReferenceParity")]
public sealed class TestRetrieverReferenceTests : IDisposable
{
    const int Questions = 73;
    readonly string work = Directory.CreateTempSubdirectory("rqa-reference-").FullName;
    static string Faire(string file) => Path.Combine(TestPaths.SharedDataRoot, "faire", file);

    public void Dispose() => Directory.Delete(work, true);

    JsonObject Run(string output, params string[] extra)
    {
        var run = CliRun.Of(["test-retriever", "--document_path", Faire("documents.pkl"), "--eval_data_path", Faire("eval_w_q.jsonl"),
            "--output_dir", output, "--test_bszv", "16", "--bootstrap_samples", "100", .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "score.json")))!.AsObject();
    }

    /// <summary>Compared in questions: the README's rates are rounded to 3 decimals (0.712 is 52/73).</summary>
    static void AssertNear(double expected, JsonObject scores, string key)
    {
        var actual = (int)Math.Round(scores[key]!.GetValue<double>() * Questions);
        var reference = (int)Math.Round(expected * Questions);
        Assert.True(Math.Abs(actual - reference) <= 1, $"{key}: {actual}/{Questions} questions vs reference {reference}/{Questions}");
    }

    [Fact]
    public void Bm25MatchesTheReference()
    {
        var scores = Run(Path.Combine(work, "bm25"), "--retriever_type", "bm25");
        // Exactly LocalRQA's numbers: 27/73 and 63/73.
        Assert.Equal(27, (int)Math.Round(scores["test_retr/document_recall/recall1"]!.GetValue<double>() * Questions));
        Assert.Equal(63, (int)Math.Round(scores["test_retr/document_recall/recall4"]!.GetValue<double>() * Questions));
    }

    [Fact]
    public void BuiltInArcticMatchesTheReferenceAndReusesItsIndex()
    {
        var index = Path.Combine(work, "index");
        var scores = Run(Path.Combine(work, "dense"), "--index_path", index);
        AssertNear(0.411, scores, "test_retr/document_recall/recall1");
        AssertNear(0.712, scores, "test_retr/document_recall/recall4");
        AssertNear(0.849, scores, "test_retr/ranking/hit@10");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var again = Run(Path.Combine(work, "again"), "--index_path", index);
        Assert.True(clock.Elapsed.TotalSeconds < 20, $"the second run took {clock.Elapsed.TotalSeconds:F0} s: was the index reused?");
        Assert.Contains("reusing the index", File.ReadAllText(Path.Combine(work, "again", "test.log")));
        Assert.Equal(scores["test_retr/document_recall/recall4"]!.GetValue<double>(), again["test_retr/document_recall/recall4"]!.GetValue<double>());
    }
}
