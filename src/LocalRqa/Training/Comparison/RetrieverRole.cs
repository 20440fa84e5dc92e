namespace LocalRqa.Training.Comparison;

/// <summary>
/// The retrievers a run's final table compares, simplest first: on a tie the simpler one is the one to deploy (no
/// model beats a model, an untrained model beats training, one retriever beats two).
/// </summary>
internal enum RetrieverRole
{
    Bm25,
    BaseDense,
    SavedDense,
    HybridBase,
    HybridSaved,
}
