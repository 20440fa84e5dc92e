using LocalRqa.Data.Dca;

namespace LocalRqa.Teachers.Fid;

/// <summary>
/// `--with_score False`: scores every question of a DCA file with the reader, <paramref name="batchSize"/>
/// questions at a time, recording each batch in the file's <see cref="DcaScoreStore"/> as it finishes, so a
/// killed run resumes at the first unscored question and a finished one is not scored again.
/// </summary>
public static class PassageScoring
{
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
        var pending = store.Pending;
        var progress = startProgress?.Invoke(pending.Sum(i => questions[i].Contexts.Count)); // counted in passages
        var done = 0;
        foreach (var batch in pending.Chunk(batchSize))
        {
            var scores = scorer.Score(batch.Select(i => questions[i]).ToList());
            if (scores.Length != batch.Length) throw new InvalidOperationException($"the scorer returned {scores.Length} score lists for {batch.Length} questions");
            for (var j = 0; j < batch.Length; j++)
            {
                store.Append(batch[j], scores[j]);
                done += scores[j].Length;
            }
            progress?.Report(done);
        }
        var scored = store.Finish();
        log?.WriteLine($"wrote reader scores to {store.ScoredFile}");
        return scored;
    }
}
