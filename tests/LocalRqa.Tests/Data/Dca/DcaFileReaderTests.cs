using LocalRqa.Data.Dca;

namespace LocalRqa.Tests.Data.Dca;

public sealed class DcaFileReaderTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-dca-read-").FullName;
    public void Dispose() => Directory.Delete(work, true);

    string WriteFile(string name, string text)
    {
        var path = Path.Combine(work, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void MissingScoresBecomeReciprocalRanksAndCtxsSortByScoreStably()
    {
        var path = WriteFile("q.json", """
            [{"question": "q0", "ctxs": [{"text": "a"}, {"text": "b", "score": 2}, {"text": "c"}, {"text": "d", "title": "T", "score": 0.5}]},
             {"id": "x", "question": "q1", "ctxs": [{"text": "e", "score": "1"}, {"text": "f", "score": 1}]}]
            """);
        var questions = DcaFileReader.Read(path);
        // a: 1/1, b: 2, c: 1/3, d: 0.5 → b (2), a (1), d (0.5), c (1/3)
        Assert.Equal(["b", "a", "d", "c"], questions[0].Contexts.Select(c => c.Text));
        Assert.Equal([2, 1, 0.5, 1.0 / 3], questions[0].Contexts.Select(c => c.Score));
        Assert.Equal("", questions[0].Contexts[1].Title);
        Assert.Equal("T", questions[0].Contexts[2].Title);
        Assert.Equal("0", questions[0].Id); // a missing id is the position
        Assert.Equal("x", questions[1].Id);
        Assert.Equal(["e", "f"], questions[1].Contexts.Select(c => c.Text)); // equal scores keep file order
    }

    [Fact]
    public void JsonLinesReadTheSameAndEmptyQuestionsNameTheirLine()
    {
        var good = WriteFile("q.jsonl", """
            {"id": 7, "question": "q", "answers": ["yes"], "ctxs": [{"text": "a", "crossattention_score": 0.25}]}

            """);
        var question = Assert.Single(DcaFileReader.Read(good));
        Assert.Equal("7", question.Id);
        Assert.Equal(["yes"], question.Answers);
        Assert.Equal(0.25, question.Contexts[0].CrossAttentionScore);
        Assert.True(question.IsScored);

        var bad = WriteFile("bad.jsonl", "{\"question\": \"q\", \"ctxs\": []}\n{\"question\": \" \", \"ctxs\": []}\n");
        var error = Assert.Throws<RqaException>(() => DcaFileReader.Read(bad));
        Assert.Contains("bad.jsonl:2", error.Message);
        var badList = WriteFile("bad.json", "[{\"question\": \"\", \"ctxs\": []}]");
        Assert.Contains("bad.json[0]", Assert.Throws<RqaException>(() => DcaFileReader.Read(badList)).Message);
    }

    [Fact]
    public void NContextCutsAfterSortingAndWarnsOnceAboutShortQuestions()
    {
        var path = WriteFile("q.json", """
            [{"question": "a", "ctxs": [{"text": "1", "score": 1}, {"text": "2", "score": 3}, {"text": "3", "score": 2}]},
             {"question": "b", "ctxs": [{"text": "1"}]},
             {"question": "c", "ctxs": []}]
            """);
        var log = new StringWriter();
        var questions = DcaFileReader.Read(path, nContext: 2, log);
        Assert.Equal(["2", "3"], questions[0].Contexts.Select(c => c.Text));
        Assert.Single(questions[1].Contexts);
        var warnings = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var warning = Assert.Single(warnings);
        Assert.Contains("2 of 3 questions have fewer than --n_context 2", warning);
    }

    [Fact]
    public void WrittenFilesReadBackEqual()
    {
        var path = WriteFile("q.json", """
            [{"id": 3, "question": "q", "ctxs": [{"id": "d1", "title": "t", "text": "a", "score": 0.5, "crossattention_score": -1.5}, {"text": "b", "score": 0.25}]}]
            """);
        var questions = DcaFileReader.Read(path);
        foreach (var name in new[] { "copy.json", "copy.jsonl" })
        {
            var copy = Path.Combine(work, name);
            DcaFileWriter.Write(copy, questions);
            var again = DcaFileReader.Read(copy);
            Assert.Equal(questions[0].Contexts, again[0].Contexts);
            Assert.Equal("3", again[0].Id);
        }
        Assert.Contains("\"id\": 3", File.ReadAllText(Path.Combine(work, "copy.json")));
    }
}
