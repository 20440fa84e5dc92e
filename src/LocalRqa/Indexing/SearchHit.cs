namespace LocalRqa.Indexing;

/// <summary>One retrieved document: its position in the document database and its score.</summary>
public readonly record struct SearchHit(int Index, float Score);
