using LocalRqa.Data;

namespace LocalRqa.Evaluation;

/// <summary>One line of `test-predictions.jsonl`: the question, its gold documents and what was retrieved.</summary>
public sealed record RetrievalPrediction(string Question, IReadOnlyList<Document> GoldDocs, IReadOnlyList<RetrievedDocument> Retrieved);
