using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// Fuses one question's dense and BM25 candidate lists (each best first) into one ranking. A document missing from
/// one side's list gets nothing from that side: 0 under RRF, the normalised minimum (0) under score fusion. Ties by
/// lower document index, as every rqa retriever breaks them.
/// </summary>
internal static class RankFusion
{
    /// <summary>The best <paramref name="k"/> documents of the union of both lists, by fused score.</summary>
    /// <param name="denseHigherIsBetter">false for a euclidean index, whose scores are distances</param>
    public static SearchHit[] Fuse(SearchHit[] dense, SearchHit[] bm25, HybridSettings settings, int k, bool denseHigherIsBetter = true)
    {
        var fused = new Dictionary<int, double>(dense.Length + bm25.Length);
        if (settings.Fusion == FusionMethod.Rrf)
        {
            AddReciprocalRanks(fused, dense, settings.Weight, settings.RrfK);
            AddReciprocalRanks(fused, bm25, 1 - settings.Weight, settings.RrfK);
        }
        else
        {
            AddNormalisedScores(fused, dense, settings.Weight, denseHigherIsBetter);
            AddNormalisedScores(fused, bm25, 1 - settings.Weight, higherIsBetter: true);
        }
        return fused
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
            .Take(k)
            .Select(kv => new SearchHit(kv.Key, (float)kv.Value))
            .ToArray();
    }

    /// <summary>weight / (k + rank), ranks counted from 1.</summary>
    static void AddReciprocalRanks(Dictionary<int, double> fused, SearchHit[] hits, double weight, double k)
    {
        for (int rank = 1; rank <= hits.Length; rank++)
        {
            int document = hits[rank - 1].Index;
            fused[document] = fused.GetValueOrDefault(document) + weight / (k + rank);
        }
    }

    /// <summary>
    /// weight × (score − min) / (max − min) over this side's candidates (flipped for distances); when every candidate
    /// scores the same, each gets the full weight: none is worse than another.
    /// </summary>
    static void AddNormalisedScores(Dictionary<int, double> fused, SearchHit[] hits, double weight, bool higherIsBetter)
    {
        if (hits.Length == 0) return;
        double min = hits.Min(h => (double)h.Score), max = hits.Max(h => (double)h.Score);
        double range = max - min;
        foreach (var hit in hits)
        {
            double normalised = range > 0 ? (higherIsBetter ? hit.Score - min : max - hit.Score) / range : 1;
            fused[hit.Index] = fused.GetValueOrDefault(hit.Index) + weight * normalised;
        }
        // Documents only the other side found keep 0 from this side: the normalised minimum.
    }
}
