namespace LocalRqa.Training.Mining;

/// <summary>Which retriever ranks the database when hard negatives are mined for training questions.</summary>
public enum NegativeMiningSource
{
    /// <summary>No mining: only the file's own hard_neg_docs (LocalRQA's behaviour).</summary>
    None,
    /// <summary>BM25 over the documents' fmt_content: passages that share the question's words.</summary>
    Bm25,
    /// <summary>The model being trained, as it is before training: passages it already confuses with the gold.</summary>
    Dense,
    /// <summary>The model before training fused with BM25 (<see cref="Retrieval.HybridRetriever"/>, the fusion flags).</summary>
    Hybrid,
}
