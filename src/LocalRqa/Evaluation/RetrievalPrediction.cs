using LocalRqa.Data;

namespace LocalRqa.Evaluation;

/// <summary>
/// One line of `test-predictions.jsonl`: the question, its gold documents, what was retrieved (the top-k, LocalRQA's
/// `retrieved_docs`) and, from rqa, the deeper <see cref="DeepRanking"/> the ranking metrics use (null in older files
/// and LocalRQA's).
/// </summary>
internal sealed record RetrievalPrediction(string Question, IReadOnlyList<Document> GoldDocs, IReadOnlyList<RetrievedDocument> Retrieved,
    DeepRanking? Ranking = null);
