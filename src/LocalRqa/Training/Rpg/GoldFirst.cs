namespace LocalRqa.Training.Rpg;

/// <summary>
/// The passages a question trains on (LocalRQA's RPG trainer): the gold passage first, then the retrieved ones in
/// rank order. A retrieved gold moves to the front; a gold the retriever missed is inserted and the last retrieved
/// passage dropped, so the list keeps its length.
/// </summary>
internal static class GoldFirst
{
    /// <param name="retrieved">the top passages, best first (at least one)</param>
    /// <returns>as many passages as <paramref name="retrieved"/> with the gold first, and whether the retriever had found it</returns>
    public static (IReadOnlyList<T> Passages, bool WasRetrieved) Place<T>(IReadOnlyList<T> retrieved, T gold, IEqualityComparer<T>? comparer = null)
    {
        if (retrieved.Count == 0) throw new ArgumentException("no retrieved passages", nameof(retrieved));
        comparer ??= EqualityComparer<T>.Default;
        var rest = retrieved.Where(p => !comparer.Equals(p, gold)).ToList();
        var wasRetrieved = rest.Count < retrieved.Count;
        return ([gold, .. rest.Take(retrieved.Count - 1)], wasRetrieved);
    }
}
