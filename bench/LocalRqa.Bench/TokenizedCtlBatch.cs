using LocalRqa.Tokenization;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Bench;

/// <summary>A CTL batch with its queries and candidates tokenized, as one training step consumes it.</summary>
internal sealed record TokenizedCtlBatch(CtlBatch Batch, TokenizedText[] Queries, TokenizedText[] Candidates)
{
    IEnumerable<TokenizedText> Texts => Queries.Concat(Candidates);

    /// <summary>Real (non-padding) tokens of queries and candidates.</summary>
    public long Tokens => Texts.Sum(t => (long)t.Ids.Length);

    /// <summary>Σ L² over the texts, for the attention term.</summary>
    public double SquaredLengths => Texts.Sum(t => (double)t.Ids.Length * t.Ids.Length);

    /// <summary>
    /// Tokens after padding each pass to its longest text (what the model computes): the steps encode each tower in
    /// passes of <paramref name="chunkSize"/> texts taken longest first.
    /// </summary>
    public long PaddedTokens(int chunkSize) => Padded(Queries, chunkSize) + Padded(Candidates, chunkSize);

    static long Padded(TokenizedText[] texts, int chunkSize) =>
        texts.Select(t => t.Ids.Length).OrderDescending().Chunk(chunkSize).Sum(c => (long)c.Length * c[0]);
}
