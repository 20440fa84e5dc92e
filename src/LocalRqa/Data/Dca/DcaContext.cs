namespace LocalRqa.Data.Dca;

/// <summary>
/// One passage of a DCA question (an entry of <c>ctxs</c>): its text and title as the FiD reader reads them, the
/// retrieval <see cref="Score"/> that orders the passages, and, once a reader has scored it, the
/// <see cref="CrossAttentionScore"/> the retriever is distilled towards.
/// </summary>
internal sealed record DcaContext(string? Id, string Title, string Text, double Score, double? CrossAttentionScore = null);
