using LocalRqa.Data;

namespace LocalRqa.Training.Mining;

/// <summary>Training examples after mining, and how many questions got fewer negatives than asked.</summary>
internal sealed record MiningResult(IReadOnlyList<RetrievalExample> Examples, int Shortfall);
