using LocalRqa.Data;

namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// Which retrieved documents of one question match which gold documents, computed once and shared by the metrics.
/// Gold documents are de-duplicated by identity (a gold set, as qrels are); ranks are 0-based.
/// </summary>
internal sealed class OutcomeMatches
{
    private OutcomeMatches(int retrievedCount, int[] goldFirstRank, int[] goldFirstLikelyRank, bool[] retrievedIsGold, bool[] retrievedIsLikelyGold)
    {
        RetrievedCount = retrievedCount;
        GoldFirstRank = goldFirstRank;
        GoldFirstLikelyRank = goldFirstLikelyRank;
        RetrievedIsGold = retrievedIsGold;
        RetrievedIsLikelyGold = retrievedIsLikelyGold;
    }

    public int RetrievedCount { get; }

    public int GoldCount => GoldFirstRank.Count;

    /// <summary>Per distinct gold document: the first rank retrieving it, or -1.</summary>
    public IReadOnlyList<int> GoldFirstRank { get; }

    /// <summary>Per distinct gold document: the first rank whose document likely is it (coverage &gt; 0.7), or -1; empty unless asked for.</summary>
    public IReadOnlyList<int> GoldFirstLikelyRank { get; }

    /// <summary>Per rank: the retrieved document equals some gold document.</summary>
    public IReadOnlyList<bool> RetrievedIsGold { get; }

    /// <summary>Per rank: the retrieved document likely is some gold document; empty unless asked for.</summary>
    public IReadOnlyList<bool> RetrievedIsLikelyGold { get; }

    public static OutcomeMatches Of(RetrievalOutcome outcome, bool likely)
    {
        var gold = outcome.Gold.DistinctBy(d => d.Identity).ToArray();
        var retrieved = outcome.Retrieved;
        var goldIndex = new Dictionary<DocumentIdentity, int>();
        for (var g = 0; g < gold.Length; g++) goldIndex[gold[g].Identity] = g;

        var firstRank = Enumerable.Repeat(-1, gold.Length).ToArray();
        var isGold = new bool[retrieved.Count];
        for (var r = 0; r < retrieved.Count; r++)
        {
            if (!goldIndex.TryGetValue(retrieved[r].Identity, out var g)) continue;
            isGold[r] = true;
            if (firstRank[g] < 0) firstRank[g] = r;
        }

        if (!likely) return new OutcomeMatches(retrieved.Count, firstRank, [], isGold, []);

        // Each text is tokenised once; the coverage matrix is |retrieved| × |gold|.
        var goldBags = gold.Select(d => new TokenBag(d.PageContent)).ToArray();
        var firstLikely = Enumerable.Repeat(-1, gold.Length).ToArray();
        var isLikely = new bool[retrieved.Count];
        for (var r = 0; r < retrieved.Count; r++)
        {
            var bag = new TokenBag(retrieved[r].PageContent);
            for (var g = 0; g < gold.Length; g++)
            {
                if (DocumentCoverage.Coverage(bag, goldBags[g]) <= DocumentCoverage.LikelyThreshold) continue;
                isLikely[r] = true;
                if (firstLikely[g] < 0) firstLikely[g] = r;
            }
        }
        return new OutcomeMatches(retrieved.Count, firstRank, firstLikely, isGold, isLikely);
    }
}
