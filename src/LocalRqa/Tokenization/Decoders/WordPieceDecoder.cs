namespace LocalRqa.Tokenization.Decoders;

/// <summary>
/// tokenizers "WordPiece" decoder: continuation pieces lose their prefix and join the previous token, other tokens
/// are separated by a space; with cleanup, the spaces BERT's tokenization put before punctuation are removed.
/// </summary>
internal sealed record WordPieceDecoder(string Prefix = "##", bool Cleanup = true) : ITokenDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (i > 0 && token.StartsWith(Prefix, StringComparison.Ordinal)) token = token[Prefix.Length..];
            else if (i > 0) token = " " + token;
            if (Cleanup) token = CleanUp(token);
            result.Add(token);
        }
        return result;
    }

    // transformers' clean_up_tokenization.
    private static string CleanUp(string text) => text.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",")
        .Replace(" ' ", "'").Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");
}
