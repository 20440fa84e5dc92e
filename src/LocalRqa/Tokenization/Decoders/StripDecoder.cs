namespace LocalRqa.Tokenization.Decoders;

/// <summary>tokenizers "Strip" decoder: up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> chars off every token.</summary>
internal sealed record StripDecoder(char Content, int Start, int Stop) : ITokenDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.Select(StripOne).ToList();

    private string StripOne(string token)
    {
        int from = 0, to = token.Length;
        while (from < to && from < Start && token[from] == Content) from++;
        while (to > from && token.Length - to < Stop && token[to - 1] == Content) to--;
        return token[from..to];
    }
}
