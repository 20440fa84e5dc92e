using LocalRqa.Data;
using static TorchSharp.torch;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// One contrastive training batch: B query texts, C = B + H candidate documents (the B positives in query order,
/// then H sampled hard negatives) and, when false-negative masking is on, which candidates leave each query's
/// softmax.
/// </summary>
internal sealed class CtlBatch
{
    public CtlBatch(IReadOnlyList<string> queries, IReadOnlyList<Document> candidates, bool[,]? falseNegativeMask,
        int requestedHardNegatives)
    {
        if (candidates.Count < queries.Count)
            throw new ArgumentException($"{candidates.Count} candidates for {queries.Count} queries");
        if (falseNegativeMask is not null && (falseNegativeMask.GetLength(0) != queries.Count || falseNegativeMask.GetLength(1) != candidates.Count))
            throw new ArgumentException($"mask is [{falseNegativeMask.GetLength(0)}, {falseNegativeMask.GetLength(1)}], expected [{queries.Count}, {candidates.Count}]");
        Queries = queries;
        Candidates = candidates;
        FalseNegativeMask = falseNegativeMask;
        RequestedHardNegatives = requestedHardNegatives;
    }

    /// <summary>The questions, B of them.</summary>
    public IReadOnlyList<string> Queries { get; }

    /// <summary>Positives (gold_docs[0] of each query, in order), then the sampled hard negatives.</summary>
    public IReadOnlyList<Document> Candidates { get; }

    /// <summary>[B, C]: true where candidate j is another copy of query i's gold passage; null when masking is off.</summary>
    public bool[,]? FalseNegativeMask { get; }

    /// <summary>int(hard_neg_ratio × B), as LocalRQA asks for.</summary>
    public int RequestedHardNegatives { get; }

    public int Size => Queries.Count;

    public int HardNegatives => Candidates.Count - Queries.Count;

    /// <summary>Hard negatives asked for but not available (the pool was smaller); > 0 is worth one warning.</summary>
    public int MissingHardNegatives => RequestedHardNegatives - HardNegatives;

    /// <summary>The texts to embed for the candidates: fmt_content, as LocalRQA embeds them.</summary>
    public IReadOnlyList<string> CandidateTexts => Candidates.Select(d => d.FmtContent).ToList();

    public int MaskedCount
    {
        get
        {
            if (FalseNegativeMask is null) return 0;
            var count = 0;
            foreach (var masked in FalseNegativeMask) if (masked) count++;
            return count;
        }
    }

    /// <summary>The mask as a bool tensor [B, C] for <c>ContrastiveLoss</c>, or null when nothing is masked.</summary>
    public Tensor? MaskTensor(Device? device = null)
    {
        if (MaskedCount == 0) return null;
        using var scope = NewDisposeScope();
        var mask = tensor(FalseNegativeMask!, device: device); // [B, C] bool
        return mask.MoveToOuterDisposeScope();
    }
}
