namespace LocalRqa.Tokenization;

public sealed record TokenizedText(int[] Ids, int[] TypeIds);
