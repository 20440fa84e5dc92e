namespace LocalRqa.Data.Dca;

/// <summary>
/// One question of a DCA file (<c>{id, question, gold_docs?, answers?, ctxs}</c>), its passages sorted by retrieval
/// score, best first (for files built by `rqa prepare-ctxs`, the gold passage first). <see cref="Id"/> is the
/// file's id as text (an integer id is written back as an integer), or the question's 0-based position when the
/// file has none, as LocalRQA numbers them.
/// </summary>
internal sealed record DcaQuestion(string Id, string Question, IReadOnlyList<DcaContext> Contexts, IReadOnlyList<Document> GoldDocs,
    IReadOnlyList<string> Answers)
{
    /// <summary>Whether every passage has a reader score (a `_wscore` file, or after scoring).</summary>
    public bool IsScored => Contexts.All(c => c.CrossAttentionScore.HasValue);
}
