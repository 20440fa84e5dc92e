using LocalRqa.Data;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Mining;

/// <summary>
/// Adds mined hard negatives to training questions: each question is searched in the whole database and the
/// passages ranked from <see cref="SkipTop"/> on, that are neither a gold passage nor a copy of its text, join the
/// front of its hard_neg_docs. The top ranks are skipped on purpose: in a chunked help site they are often
/// unlabelled answers (a neighbouring chunk of the same article), and training against them teaches the model
/// to push real answers away.
/// </summary>
internal sealed class HardNegativeMiner
{
    public HardNegativeMiner(int perQuestion, int skipTop, int depth)
    {
        if (perQuestion < 1) throw new ArgumentOutOfRangeException(nameof(perQuestion), "at least one negative per question");
        if (skipTop < 0 || depth <= skipTop) throw new ArgumentOutOfRangeException(nameof(depth), "depth must exceed skip_top");
        PerQuestion = perQuestion;
        SkipTop = skipTop;
        Depth = depth;
    }

    public int PerQuestion { get; }
    public int SkipTop { get; }
    public int Depth { get; }

    /// <summary>
    /// The examples with mined negatives first in their hard_neg_docs (the file's own follow), in the same order;
    /// <see cref="MiningResult.Shortfall"/> counts questions for which fewer than <see cref="PerQuestion"/> were found.
    /// </summary>
    public MiningResult Mine(IReadOnlyList<RetrievalExample> examples, IRetriever retriever, DocumentCollection documents,
        IProgress<int>? progress = null)
    {
        // Questions repeat across lines only by accident; searching each distinct one once keeps mining cheap.
        var distinct = examples.Select(e => e.Question).Distinct().ToList();
        var hits = retriever.Retrieve(distinct, Math.Min(Depth, documents.Count), progress);
        var ranking = distinct.Zip(hits).ToDictionary(p => p.First, p => p.Second);

        var mined = new List<RetrievalExample>(examples.Count);
        var shortfall = 0;
        foreach (var example in examples)
        {
            var golds = example.GoldDocs.Select(d => d.Identity).ToHashSet();
            var goldTexts = example.GoldDocs.Select(d => d.PageContent).ToHashSet(StringComparer.Ordinal);
            var negatives = ranking[example.Question]
                .Skip(SkipTop)
                .Select(hit => documents.Documents[hit.Index])
                .Where(d => !golds.Contains(d.Identity) && !goldTexts.Contains(d.PageContent))
                .Take(PerQuestion)
                .ToList();
            if (negatives.Count < PerQuestion) shortfall++;
            mined.Add(example with { HardNegDocs = [.. negatives, .. example.HardNegDocs] });
        }
        return new MiningResult(mined, shortfall);
    }
}
