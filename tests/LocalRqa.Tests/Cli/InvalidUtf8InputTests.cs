using System.Text;
using System.Text.Json.Nodes;

namespace LocalRqa.Tests.Cli;

/// <summary>
/// Each verb refuses an input file with invalid UTF-8 (FF FE on line 3) with exit code 2 and one line naming the
/// file, line and byte, before it writes anything; before, the bytes became U+FFFD and the run exited 0.
/// </summary>
public sealed class InvalidUtf8InputTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-utf8-cli-").FullName;
    readonly string model = TestPaths.Fixture("bert-tiny");

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>Writes three lines, the third with FF FE between its two parts.</summary>
    string WriteWithFfFeOnLine3(string name, string line1, string line2, string line3Before, string line3After)
    {
        var path = Path.Combine(work, name);
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes($"{line1}\n{line2}\n{line3Before}"), 0xFF, 0xFE,
            .. Encoding.UTF8.GetBytes($"{line3After}\n")]);
        return path;
    }

    /// <summary>Three LocalRQA questions; FF FE follow `{"question": "q3` (16 bytes) on line 3.</summary>
    string WriteQuestionsWithFfFeOnLine3(string name) => WriteWithFfFeOnLine3(name,
        "{\"question\": \"q1\", \"gold_docs\": [{\"page_content\": \"a\"}]}", "{\"question\": \"q2\", \"gold_docs\": [{\"page_content\": \"a\"}]}",
        "{\"question\": \"q3", "\", \"gold_docs\": [{\"page_content\": \"b\"}]}");

    string Write(string name, params string[] lines)
    {
        var path = Path.Combine(work, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    static void AssertRefused(CliRun run, string message)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"rqa: error: {message}", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void EncodeRefusesItsInputAndWritesNothing()
    {
        var input = WriteWithFfFeOnLine3("in.jsonl", "{\"text\": \"a\"}", "{\"text\": \"b\"}", "{\"text\": \"x", "y\"}");
        var output = Path.Combine(work, "out.jsonl");

        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", output);

        // `{"text": "x` is 11 bytes: FF is byte 12 of line 3.
        AssertRefused(run, $"{input}:3: invalid UTF-8 at byte 12 of the line (0xFF)");
        Assert.Empty(Directory.GetFiles(work, "out.jsonl*"));
    }

    [Fact]
    public void ARecipeFileIsRefused()
    {
        var recipe = WriteWithFfFeOnLine3("encode.json", "{", "  \"output\": \"out.jsonl\",", "  \"input\": \"in", ".jsonl\"}");

        // `  "input": "in` is 14 bytes.
        AssertRefused(CliRun.Of("encode", recipe), $"{recipe}:3: invalid UTF-8 at byte 15 of the line (0xFF)");
    }

    [Fact]
    public void TestRetrieverRefusesADatabaseOrQuestionFileBeforeTouchingTheOutputFolder()
    {
        var database = WriteWithFfFeOnLine3("docs.jsonl", "{\"page_content\": \"a\"}", "{\"page_content\": \"b\"}", "{\"page_content\": \"c", "\"}");
        var questions = Write("eval.jsonl", "{\"question\": \"q\", \"gold_docs\": [{\"page_content\": \"a\"}]}");
        var output = Path.Combine(work, "out");
        string[] Args(string documents, string eval) =>
            ["test-retriever", "--retriever_type", "bm25", "--document_path", documents, "--eval_data_path", eval, "--output_dir", output];

        // `{"page_content": "c` is 19 bytes.
        AssertRefused(CliRun.Of(Args(database, questions)), $"{database}:3: invalid UTF-8 at byte 20 of the line (0xFF)");
        Assert.False(Directory.Exists(output));

        var goodDatabase = Write("good.jsonl", "{\"page_content\": \"a\"}", "{\"page_content\": \"b\"}");
        var badQuestions = WriteQuestionsWithFfFeOnLine3("bad-eval.jsonl");
        AssertRefused(CliRun.Of(Args(goodDatabase, badQuestions)), $"{badQuestions}:3: invalid UTF-8 at byte 17 of the line (0xFF)");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TrainRefusesItsTrainFileBeforeTouchingTheOutputFolder()
    {
        var train = WriteQuestionsWithFfFeOnLine3("train.jsonl");
        var output = Path.Combine(work, "trained");

        var run = CliRun.Of("train", "ctl", "--model_name_or_path", model, "--train_file", train, "--output_dir", output,
            "--do_eval", "false", "--evaluation_strategy", "no", "--load_best_model_at_end", "false");

        AssertRefused(run, $"{train}:3: invalid UTF-8 at byte 17 of the line (0xFF)");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void MultiByteTextAfterAByteOrderMarkIsEncodedAsWritten()
    {
        string[] texts = ["café", "日本", "😀 emoji"];
        var input = Path.Combine(work, "bom.jsonl");
        // Written raw: JsonObject would escape the characters as \u sequences.
        File.WriteAllBytes(input, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(string.Join("\n", texts.Select(t => $"{{\"text\": \"{t}\"}}")))]);
        var output = Path.Combine(work, "out.jsonl");

        var run = CliRun.Of("encode", "--model_name_or_path", model, "--input", input, "--output", output);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(texts, File.ReadLines(output).Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>()));
    }
}
