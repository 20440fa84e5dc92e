namespace LocalRqa.Retrieval;

/// <summary>
/// The argument record of a verb that can retrieve with a <see cref="HybridRetriever"/> (test-retriever's
/// --retriever_type hybrid, prepare-ctxs' --retriever hybrid, CTL's --mine_hard_negatives hybrid). The shared fusion
/// flags (<see cref="HybridArguments"/>) ask the records parsed with them whether they act and what they must satisfy.
/// </summary>
internal interface IHybridRetrievalUser
{
    /// <summary>Whether this run fuses: the fusion flags act, and are checked, only then.</summary>
    bool UsesHybrid { get; }

    /// <summary>Documents taken from each fused ranking (--top_k, --n_context, --mining_depth): --hybrid_depth must reach it.</summary>
    int FusedTopK { get; }

    /// <summary>The flag that sets <see cref="FusedTopK"/>, for messages: "--top_k".</summary>
    string FusedTopKFlag { get; }

    /// <summary>
    /// Whether this verb picks `--hybrid_weight auto` itself (the trainers, on their evaluation questions); the others
    /// refuse it.
    /// </summary>
    bool ChoosesAutoWeight { get; }

    /// <summary>The flag and value that choose hybrid, for messages: "--retriever_type hybrid".</summary>
    string HybridFlag { get; }
}
