using LocalRqa.Data.Dca;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// `--with_score False`: scores every question of a DCA file with the reader, a batch of
/// questions at a time, recording each batch in the file's <see cref="DcaScoreStore"/> as it finishes, so a
/// killed run resumes at the first unscored batch and a finished one is not scored again.
/// </summary>
internal static class PassageScoring
{
    /// <summary>For the tests that kill a run mid-scoring: a pause after each saved batch, announced on stderr.</summary>
    public const string KillTestDelayVariable = "RQA_TEST_READER_BATCH_DELAY_MS";

    /// <returns>The questions with crossattention_score on every ctx, as written to <c>&lt;name&gt;_wscore.json</c>.</returns>
    public static IReadOnlyList<DcaQuestion> Run(string inputPath, IReadOnlyList<DcaQuestion> questions, IPassageScorer scorer, int batchSize,
        TextWriter? log = null, Func<int, IProgress<int>>? startProgress = null, string? scorerIdentity = null)
    {
        if (batchSize < 1) throw new RqaException($"--reader_batch_size must be at least 1, got {batchSize}");
        using var store = DcaScoreStore.Open(inputPath, questions, log, scorerIdentity);
        if (store.IsComplete)
        {
            log?.WriteLine($"reusing the reader scores in {store.ScoredFile}");
            return store.Finish();
        }
        // Batches are fixed runs of the file's questions: a resumed run scores exactly the batches the uninterrupted one
        // would (same padding, same bits), and a batch that is not wholly saved is scored again.
        var pending = Enumerable.Range(0, questions.Count).Chunk(batchSize).Where(b => b.Any(i => !store.Has(i))).ToList();
        var reused = questions.Count - pending.Sum(b => b.Length);
        if (reused > 0)
            log?.WriteLine($"resuming reader scoring: reusing the saved scores of {reused} of {questions.Count} questions in {store.PartialFile}, " +
                           $"scoring the other {questions.Count - reused}");
        var progress = startProgress?.Invoke(pending.Sum(b => b.Sum(i => questions[i].Contexts.Count))); // counted in passages
        var done = 0;
        foreach (var batch in pending)
        {
            var scores = scorer.Score(batch.Select(i => questions[i]).ToList());
            if (scores.Length != batch.Length) throw new InvalidOperationException($"the scorer returned {scores.Length} score lists for {batch.Length} questions");
            store.Append(batch.Zip(scores).ToList());
            done += scores.Sum(s => s.Length);
            progress?.Report(done);
            PauseForKillTest(batch[^1] + 1, questions.Count);
        }
        var scored = store.Finish();
        log?.WriteLine($"wrote reader scores to {store.ScoredFile}");
        return scored;
    }

    static void PauseForKillTest(int through, int total)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(KillTestDelayVariable), out var delay) || delay <= 0) return;
        Console.Error.WriteLine($"reader scores saved through question {through} of {total}");
        Thread.Sleep(delay);
    }
}
