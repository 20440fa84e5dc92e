namespace LocalRqa.Evaluation;

/// <summary>
/// A prediction's ranking beyond its top-k (`ranking` in test-predictions.jsonl): enough to recompute every ranking
/// metric from the file. <paramref name="Depth"/> is the depth asked for; <paramref name="Documents"/> holds fewer only
/// when the database holds fewer, so the ranking is complete down to <paramref name="Depth"/> either way.
/// </summary>
internal sealed record DeepRanking(int Depth, IReadOnlyList<RankedDocument> Documents)
{
    /// <summary>The ranking cut to <paramref name="depth"/> documents: what a smaller `--save_depth` keeps.</summary>
    public DeepRanking Truncate(int depth) =>
        depth >= Depth ? this : new DeepRanking(depth, Documents.Take(depth).ToList());
}
