using LocalRqa.Data;

namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// What one question's retrieval produced: its gold documents and the retrieved documents, best first.
/// Documents are compared by <see cref="Document.Identity"/> (metadata.source and page_content), as LocalRQA does.
/// </summary>
internal sealed record RetrievalOutcome(IReadOnlyList<Document> Gold, IReadOnlyList<Document> Retrieved);
