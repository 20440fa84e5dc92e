using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>One row of the final table: a retriever, its eval metrics (flat "eval_retr/..." keys) and, for a hybrid, its fusion.</summary>
internal sealed record ComparedRetriever(RetrieverRole Role, string Name, IReadOnlyDictionary<string, double> Metrics, HybridSettings? Fusion = null);
