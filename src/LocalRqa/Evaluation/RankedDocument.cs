namespace LocalRqa.Evaluation;

/// <summary>
/// One entry of a prediction's deep ranking: the document's index in the database, the retriever's score and the
/// <see cref="IdentityFingerprint"/> of its identity, which is what the ranking metrics match against the gold documents.
/// </summary>
internal sealed record RankedDocument(int Index, double Score, string Fingerprint);
