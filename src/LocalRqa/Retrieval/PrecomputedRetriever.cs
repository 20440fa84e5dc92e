using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// Rankings computed beforehand, served as a retriever so that <see cref="Evaluation.RetrieverEvaluator"/> scores them
/// like any other: fusing cached dense and BM25 rankings under several weights costs no embedding. Its latencies
/// measure nothing; reports drop them.
/// </summary>
internal sealed class PrecomputedRetriever : IRetriever
{
    readonly Dictionary<string, SearchHit[]> rankings;

    /// <param name="questions">the questions, each with its ranking (best first) at the same position</param>
    public PrecomputedRetriever(IReadOnlyList<string> questions, IReadOnlyList<SearchHit[]> rankings, string description)
    {
        if (questions.Count != rankings.Count) throw new ArgumentException($"{questions.Count} questions but {rankings.Count} rankings");
        this.rankings = new Dictionary<string, SearchHit[]>(questions.Count, StringComparer.Ordinal);
        // A question asked twice was ranked the same way twice: either ranking will do.
        for (var q = 0; q < questions.Count; q++) this.rankings[questions[q]] = rankings[q];
        Description = description;
    }

    public string Description { get; }

    public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
    {
        var hits = queries.Select(q => rankings.TryGetValue(q, out var ranking)
            ? ranking.Take(k).ToArray()
            : throw new InvalidOperationException($"no precomputed ranking for the question '{q}'")).ToList();
        progress?.Report(queries.Count);
        return hits;
    }
}
