using LocalRqa.Indexing;

namespace LocalRqa.Training.Comparison;

/// <summary>One model's ranking of each eval question, and whether its scores are similarities (not distances).</summary>
internal sealed record DenseRankings(SearchHit[][] Hits, bool HigherIsBetter);
