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
        var log = new StringWriter();
        var scored = PassageScoring.Run(input, questions, resumed, batchSize: 2, log);
        Assert.Equal(["2"], resumed.Asked);
        Assert.Contains("incomplete last line", log.ToString());
        Assert.Contains("reusing the saved scores of 2 of 3 questions", log.ToString());
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
        var digest = DcaScoreStore.InputDigest(questions[1]);
        File.AppendAllText(DcaScoreStore.PartialPath(input), $"{{\"index\": 1, \"id\": \"1\", \"inputs\": \"{digest}\", \"scores\": [1, 1.1]}}");
        var asked = new CountingScorer(failAfter: 1);
        Assert.Throws<InvalidOperationException>(() => PassageScoring.Run(input, questions, asked, batchSize: 1));
        Assert.Equal(["1"], asked.Asked);
        var text = File.ReadAllText(DcaScoreStore.PartialPath(input));
        Assert.DoesNotContain('\0', text);
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the header, questions 0 and 1, each once

        var last = new CountingScorer();
        PassageScoring.Run(input, questions, last, batchSize: 1);
        Assert.Equal(["2"], last.Asked);
    }

    [Fact]
    public void ABatchThatIsNotWhollySavedIsScoredAgainWhole()
    {
        // Question 0 saved alone (a run with batches of 1), then batches of 2: [0, 1] is not wholly saved, so it is scored
        // again as one batch, with the padding and the bits an uninterrupted run's batch would have.
        Assert.Throws<InvalidOperationException>(() => PassageScoring.Run(input, questions, new CountingScorer(failAfter: 1), batchSize: 1));
        var resumed = new CountingScorer();
        PassageScoring.Run(input, questions, resumed, batchSize: 2);
        Assert.Equal(["0", "1", "2"], resumed.Asked);
    }

    [Fact]
    public void PartialScoresOfAnotherScorerAreDiscardedAndScoredAgain()
    {
        Assert.Throws<InvalidOperationException>(() =>
            PassageScoring.Run(input, questions, new CountingScorer(failAfter: 2), batchSize: 1, scorerIdentity: "reader A"));
        using (var reading = DcaScoreStore.Open(input, questions)) Assert.False(reading.IsComplete); // --with_score True only reads
        Assert.True(File.Exists(DcaScoreStore.PartialPath(input)));
        var log = new StringWriter();
        var other = new CountingScorer();
        PassageScoring.Run(input, questions, other, batchSize: 1, log, scorerIdentity: "reader B");
        Assert.Equal(["0", "1", "2"], other.Asked);
        Assert.Contains($"discarding {DcaScoreStore.PartialPath(input)}: its scores were made by reader A, this run's reader is reader B", log.ToString());
        Assert.Equal("reader B", File.ReadAllText(DcaScoreStore.ScorerPath(input)).Trim());
    }

    [Fact]
    public void PartialScoresOfAQuestionWhoseCtxsChangedAreNotReused()
    {
        Assert.Throws<InvalidOperationException>(() =>
            PassageScoring.Run(input, questions, new CountingScorer(failAfter: 2), batchSize: 1, scorerIdentity: "reader A"));
        // The input rebuilt: question 1 now has another passage (same id, same number of ctxs), a title changed on question 0.
        var changed = questions.Select((q, i) => i switch
        {
            0 => q with { Contexts = [q.Contexts[0] with { Title = "new title" }, q.Contexts[1]] },
            1 => q with { Contexts = [q.Contexts[0], q.Contexts[1] with { Text = "another passage" }] },
            _ => q,
        }).ToList();
        var log = new StringWriter();
        var resumed = new CountingScorer();
        PassageScoring.Run(input, changed, resumed, batchSize: 1, log, scorerIdentity: "reader A");
        Assert.Equal(["0", "1", "2"], resumed.Asked);
        Assert.Contains("ignoring 2 records of questions whose text or ctxs changed", log.ToString());
        Assert.Equal("another passage", DcaFileReader.Read(DcaScoreStore.ScoredPath(input))[1].Contexts[1].Text);
    }

    [Fact]
    public void FinishedScoresOfAnotherReaderAreRefusedAndUnrecordedOnesReusedWithAWarning()
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
    public void FinishedScoresOfOtherQuestionsAreRefusedNamingTheFile()
    {
        PassageScoring.Run(input, questions, new CountingScorer(), batchSize: 2);
        var fewer = questions.Take(2).ToList();
        var error = Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, fewer));
        Assert.Contains(DcaScoreStore.ScoredPath(input), error.Message);
        var otherCtxs = questions.Select(q => q with { Contexts = q.Contexts.Take(1).ToList() }).ToList();
        Assert.Contains("ctxs", Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, otherCtxs)).Message);
        var otherTitles = questions.Select(q => q with { Contexts = q.Contexts.Select(c => c with { Title = "t" }).ToList() }).ToList();
        Assert.Contains("other ctxs", Assert.Throws<RqaException>(() => DcaScoreStore.Open(input, otherTitles)).Message);
    }
}
