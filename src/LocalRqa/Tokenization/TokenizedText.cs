namespace LocalRqa.Tokenization;

/// <summary>Ids of one encoded text and their token type (segment) ids, same length.</summary>
public sealed record TokenizedText(int[] Ids, int[] TypeIds);
