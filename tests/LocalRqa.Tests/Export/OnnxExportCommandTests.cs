using System.Text.Json.Nodes;
using LocalRqa.Export;
using LocalRqa.Files;
using LocalRqa.Onnx.Schema;
using LocalRqa.Tests.Cli;
using LocalRqa.Tests.Files;

namespace LocalRqa.Tests.Export;

/// <summary>
/// `rqa export onnx` with bert-tiny: the folder it writes (a sentence-transformers folder with onnx/model.onnx, a
/// graph of standard operators with dynamic batch and sequence axes), and bad input refused with one line, exit 2 and
/// nothing written.
/// </summary>
public sealed class OnnxExportCommandTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-export-").FullName;

    public void Dispose() => Directory.Delete(work, true);

    static CliRun Export(string model, string output, params string[] extra) =>
        CliRun.Of(["export", "onnx", "--model_name_or_path", model, "--output_dir", output, .. extra]);

    /// <summary>Exit 2, one line on stderr, and neither the output folder nor a staging folder beside it.</summary>
    string FailsWithNothingWritten(CliRun run, string output)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Stderr}");
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rqa: error: ", line);
        Assert.False(Directory.Exists(output), $"{output} was created");
        Assert.Empty(Directory.GetDirectories(work, ResultFiles.StagingPrefix + "*"));
        return line;
    }

    [Fact]
    public void WritesASentenceTransformersFolderWithTheGraphInOnnx()
    {
        var output = Path.Combine(work, "bert-tiny-onnx");
        var run = Export(TestPaths.Fixture("bert-tiny"), output);
        Assert.True(run.ExitCode == 0, run.Stderr);

        foreach (var file in new[] { "config.json", "modules.json", "config_sentence_transformers.json", "sentence_bert_config.json",
                     "1_Pooling/config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", OnnxModelFolder.OnnxFile })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        // Python's ONNX backend would pick a root model.onnx first; no PyTorch weights: the graph is the model.
        Assert.False(File.Exists(Path.Combine(output, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "modules.json")))!.AsArray();
        Assert.Equal(["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling"], modules.Select(m => m!["type"]!.GetValue<string>()));
        Assert.Equal(64, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "sentence_bert_config.json")))!["max_seq_length"]!.GetValue<int>());

        using (var session = new ExportedModelSession(output))
        {
            Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputNames);
            Assert.Equal(["last_hidden_state", "sentence_embedding"], session.OutputNames);
            foreach (var input in session.InputMetadata.Values)
            {
                Assert.Equal(typeof(long), input.ElementType);
                Assert.Equal([-1, -1], input.Dimensions); // dynamic batch and sequence
            }
            // bert-tiny's hidden_size is 48.
            Assert.Equal([-1, -1, 48], session.OutputMetadata["last_hidden_state"].Dimensions);
            Assert.Equal([-1, 48], session.OutputMetadata["sentence_embedding"].Dimensions);
            Assert.Equal("mean", session.CustomMetadata["pooling"]);
        }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, OnnxModelFolder.OnnxFile)));
        Assert.Equal(17, Assert.Single(model.OpsetImport, o => o.Domain == "").Version);
        Assert.All(model.Graph.Node, n => Assert.Equal("", n.Domain)); // standard operators only
        Assert.Contains(model.Graph.Node, n => n.OpType == "LayerNormalization");
        Assert.Contains(model.Graph.Node, n => n.OpType == "Erf"); // bert-tiny's exact GELU
    }

    [Fact]
    public void MaxLengthAndOpsetReachTheFolderAndTheGraph()
    {
        var output = Path.Combine(work, "short");
        var run = Export(TestPaths.Fixture("bert-tiny"), output, "--max_length", "32", "--opset", "14");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(32, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "sentence_bert_config.json")))!["max_seq_length"]!.GetValue<int>());
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, OnnxModelFolder.OnnxFile)));
        Assert.Equal(14, model.OpsetImport.Single().Version);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "LayerNormalization"); // decomposed before opset 17
    }

    [Fact]
    public void AnUnsupportedArchitectureIsRefused()
    {
        var output = Path.Combine(work, "t5");
        var line = FailsWithNothingWritten(Export(TestPaths.Fixture("t5-v1_1-tiny"), output), output);
        Assert.Contains("unsupported model_type 't5'", line);
    }

    [Fact]
    public void AFolderThatIsNotAModelIsRefused()
    {
        var notAModel = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
        File.WriteAllText(Path.Combine(notAModel, "notes.txt"), "not a model");
        var output = Path.Combine(work, "out");
        var line = FailsWithNothingWritten(Export(notAModel, output), output);
        Assert.Contains("not a model folder", line);
    }

    [Fact]
    public void AnOutputDirThatCannotBeWrittenIsRefusedBeforeTheModelLoads()
    {
        var file = Path.Combine(work, "file");
        File.WriteAllText(file, "x");
        var underFile = Path.Combine(file, "out");
        // The model is not a model: the output folder is checked first, so its error is the one shown.
        var line = FailsWithNothingWritten(Export(Path.Combine(work, "no-model"), underFile), underFile);
        Assert.Contains($"--output_dir {underFile} cannot be created: {file} is a file, not a folder", line);
        Assert.Contains("is a file, not a folder", FailsWithNothingWritten(Export(TestPaths.Fixture("bert-tiny"), file), Path.Combine(work, "none")));
        // /proc takes no new entries, even for root.
        var proc = "/proc/rqa-export-test";
        Assert.Contains("cannot be written", FailsWithNothingWritten(Export(TestPaths.Fixture("bert-tiny"), proc), proc));
    }

    [Fact]
    public void AFolderThatIsNotEmptyIsLeftAlone()
    {
        var output = Directory.CreateDirectory(Path.Combine(work, "taken")).FullName;
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        var run = Export(TestPaths.Fixture("bert-tiny"), output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("exists and is not empty", run.Stderr);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        // An empty folder is fine: it becomes the export.
        var empty = Directory.CreateDirectory(Path.Combine(work, "empty")).FullName;
        Assert.Equal(0, Export(TestPaths.Fixture("bert-tiny"), empty).ExitCode);
        Assert.True(File.Exists(Path.Combine(empty, OnnxModelFolder.OnnxFile)));
    }

    [TmpfsFact]
    public void AFullDiskLeavesNothing()
    {
        // bert-tiny's model.onnx takes 189 kB: the config and tokenizer files fit in 64 KiB, the graph does not.
        using var disk = new Tmpfs(kibibytes: 64);
        var output = Path.Combine(disk.Root, "bert-tiny-onnx");
        var run = Export(TestPaths.Fixture("bert-tiny"), output);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"rqa: error: {Path.Combine(output, OnnxModelFolder.OnnxFile)}: cannot write: No space left on device", run.Stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(disk.Root)); // neither the folder nor its staging folder
    }

    [Theory]
    [InlineData("--opset", "12", "--opset must be between 13 and 21, got 12")]
    [InlineData("--opset", "22", "--opset must be between 13 and 21, got 22")]
    [InlineData("--max_length", "1", "--max_length must be at least 2 or none, got 1")]
    public void FlagsOutOfRangeAreRefused(string flag, string value, string message)
    {
        var output = Path.Combine(work, "out");
        var line = FailsWithNothingWritten(Export(TestPaths.Fixture("bert-tiny"), output, flag, value), output);
        Assert.Equal($"rqa: error: {message} (see 'rqa export onnx --help')", line);
    }

    [Fact]
    public void AMaxLengthBeyondTheModelsPositionsIsRefused()
    {
        var output = Path.Combine(work, "out");
        var line = FailsWithNothingWritten(Export(TestPaths.Fixture("bert-tiny"), output, "--max_length", "65"), output);
        Assert.Contains("max_position_embeddings (64)", line);
    }
}
