namespace LocalRqa.Encoders;

/// <summary>
/// Groups items of similar length into batches so that little compute is spent on padding; callers put
/// results back with the returned original indices, so outputs stay in input order.
/// </summary>
internal static class LengthSortedBatches
{
    /// <returns>Batches of original indices, longest first (so memory peaks early, not after an hour).</returns>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int batchSize)
    {
        if (batchSize < 1) throw new RqaException($"batch size must be at least 1, got {batchSize}");
        // Stable order for equal lengths keeps runs deterministic.
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
        return order.Chunk(batchSize).ToList();
    }
}
