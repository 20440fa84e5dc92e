namespace LocalRqa.Tokenization;

public interface ITextTokenizer
{
    TokenizedText Encode(string text, int? maxLength = null, bool addSpecialTokens = true);
    int PadTokenId { get; }
    int VocabSize { get; }
    int? ModelMaxLength { get; }
    int? TokenToId(string token);
    string? IdToToken(int id);
}
