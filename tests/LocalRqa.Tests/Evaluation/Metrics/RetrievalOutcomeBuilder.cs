using LocalRqa.Data;
using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Tests.Evaluation.Metrics;

/// <summary>Reads as "question with gold … retrieved …" in the tests.</summary>
internal sealed class RetrievalOutcomeBuilder(Document[] gold)
{
    public RetrievalOutcome Retrieved(params Document[] retrieved) => new(gold, retrieved);
}
