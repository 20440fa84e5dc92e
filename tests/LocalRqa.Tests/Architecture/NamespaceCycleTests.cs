namespace LocalRqa.Tests.Architecture;

/// <summary>
/// No top-level namespace of LocalRqa may use another that uses it back, directly or through others: each
/// folder should be readable, testable and movable without the ones that depend on it.
/// </summary>
public sealed class NamespaceCycleTests
{
    /// <summary>
    /// Uses that close a known cycle scheduled to go, as (user, used) top-level namespaces. When a cycle is broken,
    /// delete its entries: the test fails on an entry that no longer closes a cycle, so the list only shrinks.
    /// </summary>
    private static readonly (string User, string Used)[] KnownCycleEdges =
    [
    ];

    private static readonly NamespaceGraph Graph = NamespaceGraph.Of(typeof(RqaException).Assembly);

    [Fact]
    public void TopLevelNamespacesFormNoCycle()
    {
        var cycles = Graph.Cycles(ignoring: KnownCycleEdges);
        var report = cycles.Select(c => $"cycle {string.Join(" ↔ ", c)}:\n" + string.Join("\n",
            Graph.Edges.Where(e => c.Contains(e.Key.User) && c.Contains(e.Key.Used))
                .Select(e => $"  {e.Key.User} → {e.Key.Used}, e.g. {string.Join("; ", e.Value.Take(3))}")));
        Assert.True(cycles.Count == 0, string.Join("\n", report));
    }

    [Fact]
    public void EveryKnownCycleEdgeStillClosesACycle()
    {
        var cycles = Graph.Cycles(ignoring: []);
        var stale = KnownCycleEdges
            .Where(e => !Graph.Edges.ContainsKey(e) || !cycles.Any(c => c.Contains(e.User) && c.Contains(e.Used)))
            .Select(e => $"{e.User} → {e.Used} closes no cycle any more: delete it from {nameof(KnownCycleEdges)}");
        Assert.Empty(stale);
    }

    [Fact]
    public void TheGraphSeesUsesInSignaturesAndBodies()
    {
        // Sanity checks of the reader itself: a field type (DenseRetriever holds an IVectorIndex), and a call
        // whose namespace no signature names (JsonFile.Write calls AtomicFile).
        Assert.Contains("LocalRqa.Retrieval.DenseRetriever → LocalRqa.Indexing.IVectorIndex", Graph.Edges[("Retrieval", "Indexing")]);
        Assert.Contains("LocalRqa.Json.JsonFile → LocalRqa.Files.AtomicFile", Graph.Edges[("Json", "Files")]);
    }
}
