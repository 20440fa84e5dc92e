using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Tests.Files;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// `rqa encode --output` and `rqa prepare-ctxs --output` on paths that are not plain files: a device and a FIFO are
/// written in place and stay what they are, a symlink stays a link and its target gets the output, and an output that
/// is the input is refused.
/// </summary>
public sealed class OutputPathTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-output-paths-").FullName;
    readonly string input;
    static readonly string[] Texts = ["how do I return an order?", "shipping times", "wholesale pricing"];

    public OutputPathTests()
    {
        input = Path.Combine(work, "in.jsonl");
        File.WriteAllLines(input, Texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
    }

    public void Dispose() => Directory.Delete(work, true);

    static CliRun Encode(string input, string output) =>
        CliRun.Of("encode", "--model_name_or_path", TestPaths.Fixture("bert-tiny"), "--input", input, "--output", output);

    static void AssertEmbeddings(string jsonl) =>
        Assert.Equal(Texts, jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>()));

    [Fact]
    public void EncodeToANullDeviceSucceedsAndTheDeviceStays()
    {
        var device = SpecialFiles.NullDevice(work);
        var run = Encode(input, device);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("character special file", SpecialFiles.TypeOf(device));
    }

    [Fact]
    public void EncodeToAFifoStreamsEveryLineAndTheFifoStays()
    {
        var fifo = SpecialFiles.Fifo(work);
        var read = SpecialFiles.StartReading(fifo);
        var run = Encode(input, fifo);
        Assert.True(run.ExitCode == 0, run.Stderr);
        AssertEmbeddings(read(TimeSpan.FromSeconds(30)) ?? "");
        Assert.Equal("fifo", SpecialFiles.TypeOf(fifo));
    }

    [Fact]
    public void EncodeThroughASymlinkWritesItsTargetAndKeepsTheLink()
    {
        var target = Path.Combine(work, "embeddings.jsonl");
        File.WriteAllText(target, "old\n");
        var link = Path.Combine(work, "latest.jsonl");
        File.CreateSymbolicLink(link, target);
        var run = Encode(input, link);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        AssertEmbeddings(File.ReadAllText(target));
    }

    [Fact]
    public void EncodeRefusesAnOutputThatIsItsInput()
    {
        var before = File.ReadAllText(input);
        var link = Path.Combine(work, "link.jsonl");
        File.CreateSymbolicLink(link, input);
        Directory.CreateDirectory(Path.Combine(work, "sub"));
        foreach (var output in new[] { input, link, Path.Combine(work, "sub", "..", "in.jsonl") })
        {
            var run = Encode(input, output);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal($"rqa: error: {output}: would overwrite the input {input}; choose another --output", run.Stderr.Trim());
            Assert.Equal(before, File.ReadAllText(input));
        }
        // And the other way round: the input named through the link.
        var reverse = Encode(link, input);
        Assert.Equal(2, reverse.ExitCode);
        Assert.Equal(before, File.ReadAllText(input));
    }

    [Fact]
    public void PrepareCtxsThroughASymlinkKeepsTheLinkAndRefusesItsInput()
    {
        var faire = Path.Combine(TestPaths.SharedDataRoot, "faire");
        var questions = Path.Combine(work, "eval_w_q.jsonl");
        File.WriteAllLines(questions, File.ReadLines(Path.Combine(faire, "eval_w_q.jsonl")).Take(2));
        var documents = Path.Combine(work, "docs.jsonl");
        DocumentDatabase.SaveJsonLines(documents, DocumentDatabase.Load(Path.Combine(faire, "documents.pkl")).Take(300));
        CliRun Prepare(string output) => CliRun.Of("prepare-ctxs", "--full_dataset_file_path", documents, "--input", questions, "--output", output, "--n_context", "3");

        var target = Path.Combine(work, "ctxs.json");
        var link = Path.Combine(work, "latest_ctxs.json");
        File.CreateSymbolicLink(link, target);
        var run = Prepare(link);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        Assert.All(DcaFileReader.Read(target), q => Assert.Equal(3, q.Contexts.Count));

        var before = File.ReadAllText(questions);
        var inputLink = Path.Combine(work, "questions.jsonl");
        File.CreateSymbolicLink(inputLink, questions);
        var refused = Prepare(inputLink);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("would overwrite the input", refused.Stderr);
        Assert.Equal(before, File.ReadAllText(questions));
    }
}
