using LocalRqa.Data.Dca;
using LocalRqa.Teachers.Fid;
using LocalRqa.Training.Dca;

namespace LocalRqa.Tests.Data.Dca;

public sealed class DcaScoreStoreTests : IDisposable
{
    readonly string work = Directory.CreateTempSubdirectory("rqa-dca-score-").FullName;
    readonly string input;
    readonly IReadOnlyList<DcaQuestion> questions;

    public DcaScoreStoreTests()
    {
        input = Path.Combine(work, "train_ctxs.json");
        File.WriteAllText(input, """
            [{"question": "q0", "ctxs": [{"text": "a"}, {"text": "b"}]},
             {"question": "q1", "ctxs": [{"text": "c"}, {"text": "d"}]},
             {"question": "q2", "ctxs": [{"text": "e"}, {"text": "f"}]}]
            """);
        questions = DcaFileReader.Read(input);
    }

    public void Dispose() => Directory.Delete(work, true);

    /// <summary>Scores passage k of question i as i + k/10, and counts what it was asked.</summary>
    sealed class CountingScorer(int failAfter = int.MaxValue) : IPassageScorer
    {
        public List<string> Asked { get; } = [];
        public float[][] Score(IReadOnlyList<DcaQuestion> batch)
        {
            if (Asked.Count >= failAfter) throw new InvalidOperationException("killed");
            Asked.AddRange(batch.Select(q => q.Id));
            return batch.Select(q => q.Contexts.Select((_, k) => int.Parse(q.Id) + k / 10f).ToArray()).ToArray();
        }
    }

    [Fact]
    public void ScoredFileSitsBesideTheInputAsLocalRqaNamesIt()
    {
        Assert.Equal(Path.Combine(work, "train_ctxs_wscore.json"), DcaScoreStore.ScoredPath(input));
        Assert.Equal(Path.Combine(work, "train_wscore.json"), DcaScoreStore.ScoredPath(Path.Combine(work, "train.jsonl")));
    }

    [Fact]
    public void InterruptedScoringResumesAtTheFirstUnscoredQuestionAndEndsIdentical()
    {
        var killed = new CountingScorer(failAfter: 2);
        Assert.Throws<InvalidOperationException>(() => PassageScoring.Run(input, questions, killed, batchSize: 1));
        Assert.Equal(["0", "1"], killed.Asked);
        Assert.True(File.Exists(DcaScoreStore.PartialPath(input)));
        Assert.False(File.Exists(DcaScoreStore.ScoredPath(input)));
        File.AppendAllText(DcaScoreStore.PartialPath(input), "{\"index\": 2, \"id\""); // killed mid-line

        var resumed = new CountingScorer();
        var scored = PassageScoring.Run(input, questions, resumed, batchSize: 2);
        Assert.Equal(["2"], resumed.Asked);
        Assert.False(File.Exists(DcaScoreStore.PartialPath(input)));
        var resumedText = File.ReadAllText(DcaScoreStore.ScoredPath(input));

        File.Delete(DcaScoreStore.ScoredPath(input));
        var fresh = PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 3);
        Assert.Equal(resumedText, File.ReadAllText(DcaScoreStore.ScoredPath(input)));
        Assert.Equal(fresh.SelectMany(q => q.Contexts), scored.SelectMany(q => q.Contexts));
        Assert.Equal((double)1.1f, scored[1].Contexts[1].CrossAttentionScore);

        var again = new CountingScorer();
        PassageScoring.Run(input, questions, again, batchSize: 1);
        Assert.Empty(again.Asked); // a finished file is reused
        var read = DcaFileReader.Read(DcaScoreStore.ScoredPath(input));
        Assert.All(read, q => Assert.True(q.IsScored));
    }

    [Fact]
    public void ALastLineWithoutItsNewlineIsScoredAgainAndTheFileStaysAppendable()
    {
        Assert.Throws<InvalidOperationException>(() => PassageScoring.Run(input, questions, new CountingScorer(failAfter: 1), batchSize: 1));
        // A kill between the line and its '\n': the JSON parses, but only a terminated line counts as written.
        File.AppendAllText(DcaScoreStore.PartialPath(input), "{\"index\": 1, \"id\": \"1\", \"scores\": [1, 1.1]}");
        Assert.Throws<InvalidOperationException>(() => PassageScoring.Run(input, questions, new CountingScorer(failAfter: 1), batchSize: 1));
        var text = File.ReadAllText(DcaScoreStore.PartialPath(input));
        Assert.DoesNotContain('\0', text);
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // questions 0 and 1, each once

        var last = new CountingScorer();
        PassageScoring.Run(input, questions, last, batchSize: 1);
        Assert.Equal(["2"], last.Asked);
    }

    [Fact]
    public void ScoresOfAnotherReaderAreRefusedAndUnrecordedOnesReusedWithAWarning()
    {
        PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 2, scorerIdentity: "reader A");
        Assert.Equal("reader A", File.ReadAllText(DcaScoreStore.ScorerPath(input)).Trim());

        var same = new CountingScorer();
        PassageScoring.Run(input, questions, same, batchSize: 2, scorerIdentity: "reader A");
        Assert.Empty(same.Asked);
        var error = Assert.Throws<RqaException>(() => PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 2, scorerIdentity: "reader B"));
        Assert.Contains(DcaScoreStore.ScoredPath(input), error.Message);
        Assert.Contains("scored by reader A, but this run's reader is reader B", error.Message);

        File.Delete(DcaScoreStore.ScorerPath(input)); // e.g. a _wscore file that LocalRQA wrote
        var log = new StringWriter();
        PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 2, log, scorerIdentity: "reader B");
        Assert.Contains("no record of the reader", log.ToString());
    }

    [Fact]
    public void ScoresOfOtherQuestionsAreRefusedNamingTheFile()
    {
        PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 2);
        var fewer = questions.Take(2).ToList();
        var error = Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, fewer));
        Assert.Contains(DcaScoreStore.ScoredPath(input), error.Message);
        var otherCtxs = questions.Select(q => q with { Contexts = q.Contexts.Take(1).ToList() }).ToList();
        Assert.Contains("ctxs", Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, otherCtxs)).Message);

        File.Delete(DcaScoreStore.ScoredPath(input));
        File.WriteAllText(DcaScoreStore.PartialPath(input), "{\"index\": 0, \"id\": \"9\", \"scores\": [1, 2]}\n");
        var partial = Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, questions));
        Assert.Contains(DcaScoreStore.PartialPath(input), partial.Message);
    }
}
