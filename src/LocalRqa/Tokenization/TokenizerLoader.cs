namespace LocalRqa.Tokenization;

// Placeholder replaced by branch `tok`.
public static class TokenizerLoader
{
    public static ITextTokenizer FromFolder(string folder) => throw new NotImplementedException();
}
