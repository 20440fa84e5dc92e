namespace LocalRqa.Indexing;

/// <summary>
/// The best k hits so far of each query of a batch, merged chunk by chunk on the host. Candidates arrive
/// sorted by (score, index); a linear merge keeps the order, equal scores by lower index.
/// </summary>
internal sealed class RunningTopK
{
    readonly SearchHit[][] best;
    readonly int[] counts;
    readonly int k;
    readonly bool higherIsBetter;
    readonly SearchHit[] scratch;

    public RunningTopK(int queries, int k, bool higherIsBetter)
    {
        best = new SearchHit[queries][];
        for (var i = 0; i < queries; i++) best[i] = new SearchHit[k];
        counts = new int[queries];
        this.k = k;
        this.higherIsBetter = higherIsBetter;
        scratch = new SearchHit[k];
    }

    /// <summary>True when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    public static bool Before(SearchHit a, SearchHit b, bool higherIsBetter) =>
        a.Score != b.Score ? (higherIsBetter ? a.Score > b.Score : a.Score < b.Score) : a.Index < b.Index;

    public int Compare(SearchHit a, SearchHit b) => a.Index == b.Index ? 0 : Before(a, b, higherIsBetter) ? -1 : 1;

    /// <summary>Merges sorted candidates into query <paramref name="row"/>'s running list.</summary>
    public void Merge(int row, ReadOnlySpan<SearchHit> candidates)
    {
        var current = best[row];
        int have = counts[row], i = 0, j = 0, n = 0;
        while (n < k && (i < have || j < candidates.Length))
        {
            var takeCurrent = j >= candidates.Length || (i < have && Before(current[i], candidates[j], higherIsBetter));
            scratch[n++] = takeCurrent ? current[i++] : candidates[j++];
        }
        scratch.AsSpan(0, n).CopyTo(current);
        counts[row] = n;
    }

    public SearchHit[] Hits(int row) => best[row][..counts[row]];
}
