namespace LocalRqa.Tokenization;

/// <summary>Ids of one encoded text and their token type (segment) ids, same length.</summary>
internal sealed record TokenizedText(int[] Ids, int[] TypeIds);
