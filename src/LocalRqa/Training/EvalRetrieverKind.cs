namespace LocalRqa.Training;

/// <summary>What evaluation during training measures (`--eval_retriever`), and so what picks the best checkpoint.</summary>
public enum EvalRetrieverKind
{
    /// <summary>The model as a dense retriever.</summary>
    Dense,

    /// <summary>The model fused with BM25 over the same documents (<see cref="Retrieval.HybridRetriever"/>).</summary>
    Hybrid,
}
