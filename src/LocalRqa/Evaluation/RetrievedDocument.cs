using LocalRqa.Data;

namespace LocalRqa.Evaluation;

/// <summary>A document as retrieved for a question, with the retriever's score (`metadata.retrieve_score`).</summary>
internal sealed record RetrievedDocument(Document Document, double Score);
