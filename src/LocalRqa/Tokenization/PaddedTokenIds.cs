namespace LocalRqa.Tokenization;

/// <summary>
/// Token ids of several texts as one row-major [rows, Length] block padded at the end, with the attention mask
/// (1 for tokens, 0 for padding): what every engine's batch is made of.
/// </summary>
internal sealed record PaddedTokenIds(long[] Ids, long[] Mask, int Rows, int Length)
{
    /// <param name="length">Pad to at least this many tokens (LocalRQA's padding='max_length'), else to the longest.</param>
    public static PaddedTokenIds Of(IReadOnlyList<TokenizedText> texts, int padTokenId, int? length = null)
    {
        var width = Math.Max(texts.Max(t => t.Ids.Length), length ?? 0);
        var ids = new long[texts.Count * width];
        var mask = new long[texts.Count * width];
        Array.Fill(ids, padTokenId);
        for (var row = 0; row < texts.Count; row++)
        {
            var tokens = texts[row].Ids;
            for (var i = 0; i < tokens.Length; i++)
            {
                ids[row * width + i] = tokens[i];
                mask[row * width + i] = 1;
            }
        }
        return new PaddedTokenIds(ids, mask, texts.Count, width);
    }
}
