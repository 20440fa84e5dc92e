using LocalRqa.Data;

namespace LocalRqa.Tests.Data;

public sealed class TargetAnswerTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-answers-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    static RetrievalExample Example(string? gold, IReadOnlyList<string>? answers, int line = 3, string question = "q") =>
        new(question, [Document.Create("p", null, null)], [], gold, null, line, answers);

    [Fact]
    public void GoldAnswerWinsOverAnswers() =>
        Assert.Equal("gold", TargetAnswer.Pick(Example("gold", ["a", "b"]), 42, "train.jsonl"));

    [Fact]
    public void WithoutGoldAnswerOneOfAnswersIsPickedTheSameWayForTheSameSeed()
    {
        string[] answers = ["a", "b", "c", "d", "e"];
        var picks = Enumerable.Range(0, 40).Select(line => TargetAnswer.Pick(Example(null, answers, line), 42, "f")).ToArray();
        Assert.Equal(picks, Enumerable.Range(0, 40).Select(line => TargetAnswer.Pick(Example(null, answers, line), 42, "f")));
        Assert.True(picks.Distinct().Count() > 1); // spread over the list, not always the first
        var otherSeed = Enumerable.Range(0, 40).Select(line => TargetAnswer.Pick(Example(null, answers, line), 7, "f"));
        Assert.NotEqual(picks, otherSeed);
    }

    [Fact]
    public void NoAnswerAtAllNamesTheLine()
    {
        var error = Assert.Throws<RqaException>(() => TargetAnswer.Pick(Example(null, null, line: 12), 42, "train.jsonl"));
        Assert.Contains("train.jsonl:12", error.Message);
        Assert.Contains("gold_answer", error.Message);
        Assert.Throws<RqaException>(() => TargetAnswer.Pick(Example(null, []), 42, "train.jsonl"));
    }

    [Fact]
    public void AnEmptyAnswerIsRefused()
    {
        Assert.Contains("'gold_answer' is empty", Assert.Throws<RqaException>(() => TargetAnswer.Pick(Example(" ", null), 42, "f")).Message);
        Assert.Contains("empty", Assert.Throws<RqaException>(() => TargetAnswer.Pick(Example(null, [""]), 42, "f")).Message);
    }

    [Fact]
    public void TheReaderKeepsTheAnswersList()
    {
        var path = Path.Combine(dir, "train.jsonl");
        File.WriteAllLines(path,
        [
            """{"question": "q1", "gold_docs": [{"page_content": "p", "fmt_content": "p", "metadata": {}}], "answers": ["x", "y"]}""",
            """{"question": "q2", "gold_docs": [{"page_content": "p", "fmt_content": "p", "metadata": {}}], "gold_answer": "g"}""",
        ]);
        var examples = RetrievalDataReader.Read(path);
        Assert.Equal(["x", "y"], examples[0].Answers!);
        Assert.Null(examples[1].Answers);
        Assert.Equal("g", examples[1].GoldAnswer);

        File.WriteAllText(path, """{"question": "q", "gold_docs": [{"page_content": "p", "metadata": {}}], "answers": [1]}""" + "\n");
        Assert.Contains("'answers[0]' must be a string", Assert.Throws<RqaException>(() => RetrievalDataReader.Read(path)).Message);
    }
}
