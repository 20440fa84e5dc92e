using LocalRqa.Indexing;

namespace LocalRqa.Bench;

/// <summary>Heap order for a higher-is-better top-k: the worst hit (lower score, then higher index) first.</summary>
internal sealed class WorstFirst : IComparer<SearchHit>
{
    public static readonly WorstFirst Instance = new();

    public int Compare(SearchHit a, SearchHit b) =>
        a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index);
}
