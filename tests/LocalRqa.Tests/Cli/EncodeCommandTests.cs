using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using static TorchSharp.torch;

namespace LocalRqa.Tests.Cli;

/// <summary>`rqa encode` end to end on the bert-tiny fixture, and its handling of bad input.</summary>
public sealed class EncodeCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-encode-").FullName;
    readonly string model = TestPaths.Fixture("bert-tiny");
    readonly ReferenceFile reference = new(TestPaths.Fixture("bert-tiny"));

    public void Dispose() => Directory.Delete(work, true);

    string Write(string name, params string[] lines)
    {
        var path = Path.Combine(work, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The fixture's tokenizer-case texts as an encode input (the reference batch is their tokens).</summary>
    string ReferenceInput() => Write("in.jsonl", reference.Root["tokenizer_cases"]!.AsArray()
        .Select(c => new JsonObject { ["text"] = c!["text"]!.GetValue<string>() }.ToJsonString()).ToArray());

    static List<(string Text, float[] Embedding)> ReadOutput(string path) =>
        File.ReadLines(path).Select(l => JsonNode.Parse(l)!).Select(n =>
            (n["text"]!.GetValue<string>(), n["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray())).ToList();

    [Theory]
    [Trait("Category", "ReferenceParity")]
    [InlineData("mean", "mean_pooling")]
    [InlineData("cls", "cls_pooling")]
    public void EmbeddingsMatchTheReferencePoolingInInputOrder(string pooling, string expectedKey)
    {
        var output = Path.Combine(work, "out.jsonl");
        // Batch size 3 over 4 texts of different lengths: length-sorting must not reorder the output.
        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", ReferenceInput(), "--output", output,
            "--pooling-type", pooling, "--normalize", "false", "--batch_size", "3");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var rows = ReadOutput(output);
        var texts = reference.Root["tokenizer_cases"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(texts, rows.Select(r => r.Text));
        using var expected = ReferenceFile.FloatTensor(reference.Root[expectedKey]!);
        using var actual = tensor(rows.SelectMany(r => r.Embedding).ToArray(), rows.Count, rows[0].Embedding.Length);
        ReferenceFile.AssertClose(expected, actual, reference.ToleranceAbs, expectedKey);
    }

    [Fact]
    public void NormalizeGivesUnitVectors()
    {
        var output = Path.Combine(work, "out.jsonl");
        var run = CliRun.Of("encode", "--model-name-or-path", model, "--input", ReferenceInput(), "--output", output, "--normalize", "true");
        Assert.True(run.ExitCode == 0, run.Stderr);
        foreach (var (_, embedding) in ReadOutput(output))
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 1e-6); // float32 normalisation: within a few ulps of 1
    }

    [Fact]
    public void ARecipeFileWithOverridesAfterIt()
    {
        var output = Path.Combine(work, "out.jsonl");
        var recipe = Path.Combine(work, "encode.json");
        File.WriteAllText(recipe, new JsonObject
        {
            ["model_name_or_path"] = model, ["input"] = ReferenceInput(), ["output"] = Path.Combine(work, "elsewhere.jsonl"), ["normalize"] = false,
        }.ToJsonString());
        // The bare --normalize overrides the file's false; --output replaces its path; the rest comes from the file.
        var run = CliRun.Of("encode", recipe, "--normalize", "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(File.Exists(Path.Combine(work, "elsewhere.jsonl")));
        foreach (var (_, embedding) in ReadOutput(output))
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 1e-6); // float32 normalisation: within a few ulps of 1
    }

    [Fact]
    public void MaxLengthTruncates()
    {
        var output = Path.Combine(work, "out.jsonl");
        var input = Write("long.jsonl", """{"text": "How do I reset my password? How do I reset my password?"}""", """{"text": "How do I"}""");
        // With 5 tokens, "How do I reset my password..." keeps [CLS] how do i [SEP]: the same as "How do I".
        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", output, "--max_length", "5");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var rows = ReadOutput(output);
        // Same token ids in another batch row: equal up to BLAS rounding by row (~1e-7 relative in this 2-layer
        // float32 model; 1e-5 absolute on unit-scale components leaves a wide margin).
        Tolerance.SameEmbedding(rows[1].Embedding, rows[0].Embedding, absolute: 1e-5);
        // Without the limit the long text embeds far from "How do I": the check above can fail.
        Assert.True(CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", output).ExitCode == 0);
        var untruncated = ReadOutput(output);
        Assert.True(Tolerance.MaxAbsDifference(untruncated[1].Embedding, untruncated[0].Embedding) > 1e-2);
    }

    public static TheoryData<string, string[], string> BadInputs() => new()
    {
        { "malformed line", ["{\"text\": \"fine\"}", "{not json"], "in.jsonl:2: invalid JSON" },
        { "missing field", ["{\"text\": \"fine\"}", "{\"txt\": \"x\"}"], "in.jsonl:2: expected an object with a string field \"text\"" },
        { "empty text", ["{\"text\": \"  \"}"], "in.jsonl:1: \"text\" is empty" },
        { "no texts", [""], "in.jsonl: no texts to encode" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsOneLineExitTwoAndNoOutput(string why, string[] lines, string expected)
    {
        var output = Path.Combine(work, "out.jsonl");
        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", Write("in.jsonl", lines), "--output", output);
        AssertUserError(run, expected, why);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void BadModelsAreOneLineErrors()
    {
        var input = Write("in.jsonl", """{"text": "hello"}""");
        var output = Path.Combine(work, "out.jsonl");
        string Fail(string modelFolder) => AssertUserError(CliRun.Of("encode", "--model_name_or_path", modelFolder, "--input", input, "--output", output), "", modelFolder);

        Assert.Contains("model folder not found", Fail(Path.Combine(work, "no-such-model")));
        Assert.Contains("unsupported model_type 't5'", Fail(TestPaths.Fixture("t5-tiny-tied")));

        var incomplete = Directory.CreateDirectory(Path.Combine(work, "incomplete")).FullName;
        File.Copy(Path.Combine(model, "config.json"), Path.Combine(incomplete, "config.json"));
        Assert.Contains("no weights found", Fail(incomplete));

        var truncated = CopyOfModel("truncated");
        var weights = Path.Combine(truncated, CheckpointFolder.Safetensors);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..^1000]);
        Assert.Contains("truncated", Fail(truncated));

        var misshapen = CopyOfModel("misshapen");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(misshapen, "config.json")))!;
        config["intermediate_size"] = 64;
        File.WriteAllText(Path.Combine(misshapen, "config.json"), config.ToJsonString());
        Assert.Contains("needs [64, 48]", Fail(misshapen));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ADuplicatedKeyTakesTheLastValueAsPythonDoes()
    {
        var output = Path.Combine(work, "out.jsonl");
        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", Write("in.jsonl", """{"text": "a", "text": "b"}"""), "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("b", ReadOutput(output).Single().Text);
    }

    [Fact]
    public void UnwritableOutputFailsBeforeEncoding()
    {
        var input = Write("in.jsonl", """{"text": "hello"}""");
        var folderOutput = AssertUserError(CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", work), "is a folder", "folder");
        Assert.Contains(work, folderOutput);
        var missing = Path.Combine(work, "no-such-dir", "out.jsonl");
        AssertUserError(CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", missing), "does not exist", "missing folder");
        Assert.Equal(["in.jsonl"], Directory.GetFileSystemEntries(work).Select(Path.GetFileName));
    }

    [Fact]
    public void TokenizerLargerThanTheModelIsRefused()
    {
        var copy = CopyOfModel("big-vocab");
        File.AppendAllText(Path.Combine(copy, "vocab.txt"), "extra\n");
        File.Delete(Path.Combine(copy, "tokenizer.json"));
        var input = Write("in.jsonl", """{"text": "extra"}""");
        AssertUserError(CliRun.Of("encode", "--model_name_or_path", copy, "--input", input, "--output", Path.Combine(work, "o.jsonl")),
            "the tokenizer has 39 tokens but config.json's vocab_size is 38", "vocab");
    }

    [Theory]
    [InlineData(new[] { "encode", "--input", "x", "--output", "y", "--no-such-flag" }, "--no-such-flag")]
    [InlineData(new[] { "encode", "--input", "x", "--output", "y", "--normalize", "maybe" }, "expected true or false")]
    [InlineData(new[] { "encode", "--input", "x", "--output", "y", "--prompt", "title" }, "title")]
    [InlineData(new[] { "encode", "--output", "y" }, "--input")]
    [InlineData(new[] { "encode", "--input", "x", "--output", "y", "--batchsize", "3" }, "unknown flag --batchsize (did you mean --batch_size?)")]
    [InlineData(new[] { "encode", "--input", "x", "--output", "y", "--fp16" }, "--fp16: rqa trains and evaluates in float32 on the CPU; drop the flag")]
    public void BadFlagsExitTwo(string[] args, string expected)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.EndsWith("(see 'rqa encode --help')", line);
    }

    string CopyOfModel(string name)
    {
        var copy = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        foreach (var file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    static string AssertUserError(CliRun run, string expected, string why)
    {
        Assert.True(run.ExitCode == 2, $"{why}: exit {run.ExitCode}, stderr: {run.Stderr}");
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("rqa: error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", run.Stderr);
        return lines[0];
    }
}
