using System.Text.Json.Nodes;
using LocalRqa.Indexing;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa test-retriever --index_path` verifies the saved embeddings against the checksum in the index's manifest
/// before reusing them: a changed or truncated file is refused (exit 2, nothing written as results), and
/// `--rebuild_index` replaces it.
/// </summary>
public sealed class TestRetrieverIndexChecksumTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-index-checksum-").FullName;
    readonly FaireSlice data;
    readonly string index;
    readonly string embeddings;

    public TestRetrieverIndexChecksumTests()
    {
        data = FaireSlice.Create(work, "train_w_q.jsonl", 1, "eval_w_q.jsonl", 4, 40);
        index = Path.Combine(work, "index");
        embeddings = Path.Combine(index, VectorIndexStore.EmbeddingsFile);
    }

    public void Dispose() => Directory.Delete(work, true);

    CliRun Run(string output, params string[] extra) => CliRun.Of(
        ["test-retriever", "--embedding_model_name_or_path", TestPaths.Fixture("bert-tiny"), "--document_path", data.Documents,
         "--eval_data_path", data.Eval, "--output_dir", Path.Combine(work, output), "--index_path", index, "--test_bszv", "4", .. extra]);

    string Log(string output) => File.ReadAllText(Path.Combine(work, output, "test.log"));

    /// <summary>Each question's retrieved documents and scores, as written.</summary>
    List<string> Retrieved(string output) =>
        File.ReadLines(Path.Combine(work, output, "test-predictions.jsonl")).Select(l => JsonNode.Parse(l)!["retrieved_docs"]!.ToJsonString()).ToList();

    void AssertNoResults(string output)
    {
        Assert.False(File.Exists(Path.Combine(work, output, "score.json")));
        Assert.False(File.Exists(Path.Combine(work, output, "test-predictions.jsonl")));
    }

    [Fact]
    public void ChangedEmbeddingsAreRefusedThenRebuilt()
    {
        var first = Run("first");
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("saved the index", Log("first"));

        // Untouched, the index is reused and gives the same hits.
        var reused = Run("reused");
        Assert.True(reused.ExitCode == 0, reused.Stderr);
        Assert.Contains("reusing the index", Log("reused"));
        Assert.DoesNotContain("warning", Log("reused"));
        // The same bits searched the same way in one process: equal, not close.
        Assert.Equal(Retrieved("first"), Retrieved("reused"));

        // Every float's sign flipped: still finite, every question would get other documents.
        var bytes = File.ReadAllBytes(embeddings);
        for (var i = 8 + (int)BitConverter.ToUInt64(bytes, 0) + 3; i < bytes.Length; i += 4) bytes[i] ^= 0x80;
        File.WriteAllBytes(embeddings, bytes);
        var refused = Run("refused");
        Assert.Equal(2, refused.ExitCode);
        var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rqa: error: {embeddings}: ", error);
        Assert.Contains("checksum", error);
        Assert.Contains("--rebuild_index", error);
        AssertNoResults("refused");

        // --rebuild_index embeds the documents again and replaces the damaged index.
        var rebuilt = Run("rebuilt", "--rebuild_index");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.DoesNotContain("reusing the index", Log("rebuilt"));
        Assert.Contains("saved the index", Log("rebuilt"));
        // Embedded again on the same machine with the same batches: the same bits, so the same hits exactly.
        Assert.Equal(Retrieved("first"), Retrieved("rebuilt"));
        var again = Run("again");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("reusing the index", Log("again"));
    }

    [Fact]
    public void TruncatedEmbeddingsAreRefused()
    {
        Assert.Equal(0, Run("first").ExitCode);
        using (var file = new FileStream(embeddings, FileMode.Open)) file.SetLength(file.Length - 100);
        var refused = Run("refused");
        Assert.Equal(2, refused.ExitCode);
        var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rqa: error: {embeddings}: ", error);
        Assert.Contains("truncated", error);
        Assert.Contains("--rebuild_index", error);
        AssertNoResults("refused");
    }
}
