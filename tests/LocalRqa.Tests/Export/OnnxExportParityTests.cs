using System.Text.Json.Nodes;
using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Tests.Cli;
using Xunit.Abstractions;

namespace LocalRqa.Tests.Export;

/// <summary>
/// ONNX Runtime on a folder written by `rqa export onnx` reproduces `rqa encode` of the source model: Faire passages
/// (the longest ones, which the tokenizer truncates, and the first ones) with the passage prompt and Faire questions with
/// the query prompt, for the bert-tiny fixture, both built-in models and folders saved by `rqa train ctl` and by
/// `rqa train dca --projection True`. Tolerance: cosine ≥ 0.99999 and 1e-5 absolute on normalised embeddings; the two
/// sides run the same float32 arithmetic in different kernels (libtorch's fused attention and BLAS against ONNX
/// Runtime's MLAS), so they differ by rounding only, about 1e-7 per component.
/// </summary>
[Collection(GlobalTorchStateCollection.Name)]
public sealed class OnnxExportParityTests(ITestOutputHelper output) : IDisposable
{
    const double MaxAbsoluteDifference = 1e-5;
    const double MinCosine = 0.99999;

    readonly string work = Directory.CreateTempSubdirectory("rqa-export-parity-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    [Fact]
    public void BertTinyMatchesEncodeWithPoolingInTheGraphOrLeftToTheCaller()
    {
        var model = TestPaths.Fixture("bert-tiny");
        AssertExportMatchesEncode(model, Export(model, "in-graph"), FaireTexts.Passages, FaireTexts.Questions);
        // Without pooling the graph has last_hidden_state only, and the folder's Pooling module applied to it gives the same.
        var bare = Export(model, "no-pooling", "--pooling_in_graph", "false");
        using (var session = new ExportedModelSession(bare)) Assert.Equal(["last_hidden_state"], session.OutputNames);
        AssertExportMatchesEncode(model, bare, FaireTexts.Passages, FaireTexts.Questions);
        // LayerNormalization decomposed (opset 13) and the newest opset written give the same embeddings.
        AssertExportMatchesEncode(model, Export(model, "opset13", "--opset", "13"), FaireTexts.Passages, FaireTexts.Questions);
        AssertExportMatchesEncode(model, Export(model, "opset21", "--opset", "21"), FaireTexts.Passages, FaireTexts.Questions);
    }

    [Theory]
    [InlineData("Snowflake/snowflake-arctic-embed-xs")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2")]
    public void BuiltInModelMatchesEncode(string hubId)
    {
        Assert.NotNull(BuiltInModels.Find(hubId));
        AssertExportMatchesEncode(hubId, Export(hubId, "builtin"), FaireTexts.Passages, FaireTexts.Questions);
    }

    [Fact]
    public void CtlTrainedFolderMatchesEncode()
    {
        var trained = Path.Combine(work, "ctl");
        var train = CliRun.Of(RqaProcess.SmallCtlRun(work, trained, "--max_steps", "2", "--save_steps", "2"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        AssertExportMatchesEncode(trained, Export(trained, "ctl-onnx"), FaireTexts.Passages, FaireTexts.Questions);
    }

    [Fact]
    public void DcaFolderWithAProjectionMatchesEncode()
    {
        var slice = FaireSlice.Create(work, "train_w_q.jsonl", 4, "eval_w_q.jsonl", 2, leadingDocuments: 10);
        var trained = Path.Combine(work, "dca");
        var train = CliRun.Of(TrainDcaCommandTests.SmallRun(slice.Train, slice.Eval, slice.Documents, trained,
            "--projection", "True", "--indexing_dimension", "16", "--max_steps", "2", "--eval_steps", "2", "--save_steps", "2"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        var exported = Export(trained, "dca-onnx");
        using (var session = new ExportedModelSession(exported))
        {
            // The projection is inside the graph: token states and embeddings have its 16 dimensions.
            Assert.Equal(16, session.OutputMetadata["last_hidden_state"].Dimensions[2]);
            Assert.Equal(16, session.OutputMetadata["sentence_embedding"].Dimensions[1]);
        }
        Assert.DoesNotContain("local_rqa", File.ReadAllText(Path.Combine(exported, "modules.json")));
        AssertExportMatchesEncode(trained, exported, FaireTexts.Passages, FaireTexts.Questions);
    }

    string Export(string model, string name, params string[] extra)
    {
        var folder = Path.Combine(work, name);
        var run = CliRun.Of(["export", "onnx", "--model_name_or_path", model, "--output_dir", folder, .. extra]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return folder;
    }

    /// <summary>`rqa encode` of <paramref name="model"/> against ONNX Runtime on <paramref name="exported"/>, passages then questions.</summary>
    void AssertExportMatchesEncode(string model, string exported, IReadOnlyList<string> passages, IReadOnlyList<string> questions)
    {
        using var session = new ExportedModelSession(exported);
        // The passages include texts longer than the model reads: truncation is part of what must match.
        Assert.Contains(passages, p => session.Tokenizer.Encode(p).Ids.Length > session.Settings.MaxLength);
        var worstCosine = 1.0;
        var worstDifference = 0.0;
        foreach (var (texts, prompt) in new[] { (passages, "passage"), (questions, "query") })
        {
            var expected = Encode(model, texts, prompt);
            var actual = session.Embed(session.Tokenize(texts, PromptKinds.Parse(prompt)));
            for (var i = 0; i < texts.Count; i++)
            {
                var (a, b) = (Normalized(expected[i]), Normalized(actual[i]));
                Tolerance.SameEmbedding(a, b, MaxAbsoluteDifference, MinCosine, $"{Path.GetFileName(model)} {prompt} {i}");
                worstCosine = Math.Min(worstCosine, Cosine(a, b));
                worstDifference = Math.Max(worstDifference, a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max());
            }
        }
        output.WriteLine($"{model} → {Path.GetFileName(exported)}: {passages.Count + questions.Count} texts, " +
                         $"lowest cosine {worstCosine:R}, largest |difference| {worstDifference:E2}");
    }

    float[][] Encode(string model, IReadOnlyList<string> texts, string prompt)
    {
        var input = Path.Combine(work, "texts.jsonl");
        var embeddings = Path.Combine(work, "embeddings.jsonl");
        File.WriteAllLines(input, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", embeddings, "--prompt", prompt, "--batch_size", "16");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return [.. File.ReadLines(embeddings).Select(l => JsonNode.Parse(l)!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray())];
    }

    static float[] Normalized(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return [.. v.Select(x => (float)(x / norm))];
    }

    static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
