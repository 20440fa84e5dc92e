using LocalRqa.Data;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// Builds LocalRQA's CTL batch (<c>_inbatch_contrastive_w_hardneg</c>) from B flattened examples:
/// <list type="number">
/// <item>queries = the questions; positives = gold_docs[0] of each, in order.</item>
/// <item>pool = every example's hard_neg_docs concatenated in batch order (duplicates kept, as LocalRQA keeps
/// them), minus any whose identity (metadata.source + page_content) equals a gold document of the batch.</item>
/// <item>H = int(hard_neg_ratio × B) (Python's truncating int(); 0.05 × 40 → 2, 0.05 × 10 → 0), capped at the pool
/// size; the shortfall is <see cref="CtlBatch.MissingHardNegatives"/> (LocalRQA's random.sample would raise).</item>
/// <item>sampling without replacement, a partial Fisher–Yates shuffle of the pool: for t = 0 … H−1,
/// j = random.Next(t, n), swap pool[t] and pool[j]; the negatives are pool[0 … H−1] in draw order. So the result
/// depends only on the examples and the state of <c>random</c>, which draws exactly H numbers.</item>
/// <item>candidates = positives ++ negatives.</item>
/// <item>false-negative mask (an improvement over LocalRQA, on by default): candidate j ≠ i is masked for query i
/// when its identity equals one of query i's gold documents. The Faire files hold two questions per passage, so a
/// batch often holds the same gold twice, and LocalRQA then pushes a query away from its own passage.</item>
/// </list>
/// </summary>
internal sealed class CtlBatchBuilder
{
    /// <summary>LocalRQA's default <c>hard_neg_ratio</c>.</summary>
    public const double DefaultHardNegRatio = 0.05;

    public CtlBatchBuilder(double hardNegRatio = DefaultHardNegRatio, bool maskFalseNegatives = true)
    {
        if (!(hardNegRatio >= 0) || double.IsInfinity(hardNegRatio))
            throw new ArgumentException($"hard_neg_ratio must be a non-negative number, got {hardNegRatio}");
        HardNegRatio = hardNegRatio;
        MaskFalseNegatives = maskFalseNegatives;
    }

    public double HardNegRatio { get; }

    public bool MaskFalseNegatives { get; }

    /// <summary>int(hard_neg_ratio × B): IEEE double product truncated toward zero, as Python computes it.</summary>
    public int HardNegativeCount(int batchSize) => (int)(HardNegRatio * batchSize);

    public CtlBatch Build(IReadOnlyList<RetrievalExample> examples, Random random)
    {
        if (examples.Count == 0) throw new ArgumentException("an empty batch");
        var queries = examples.Select(e => e.Question).ToList();
        var positives = examples.Select(e => e.GoldDocs[0]).ToList();

        // Every gold of the batch, not only the positives: another gold of a question is no negative either.
        var golds = examples.SelectMany(e => e.GoldDocs).Select(d => d.Identity).ToHashSet();
        var pool = examples.SelectMany(e => e.HardNegDocs).Where(d => !golds.Contains(d.Identity)).ToList();

        var requested = HardNegativeCount(examples.Count);
        var take = Math.Min(requested, pool.Count);
        for (var t = 0; t < take; t++)
        {
            var j = random.Next(t, pool.Count);
            (pool[t], pool[j]) = (pool[j], pool[t]);
        }
        var candidates = positives.Concat(pool.Take(take)).ToList();

        return new CtlBatch(queries, candidates, MaskFalseNegatives ? Mask(examples, candidates) : null, requested);
    }

    /// <summary>[B, C]: mask[i, j] = j ≠ i and identity(c_j) ∈ gold identities of query i.</summary>
    static bool[,] Mask(IReadOnlyList<RetrievalExample> examples, IReadOnlyList<Document> candidates)
    {
        var identities = candidates.Select(d => d.Identity).ToArray();
        var mask = new bool[examples.Count, candidates.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var gold = examples[i].GoldDocs.Select(d => d.Identity).ToHashSet();
            for (var j = 0; j < candidates.Count; j++)
                mask[i, j] = j != i && gold.Contains(identities[j]);
        }
        return mask;
    }
}
