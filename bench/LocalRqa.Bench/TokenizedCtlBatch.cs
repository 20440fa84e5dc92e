using LocalRqa.Tokenization;
using LocalRqa.Training.Ctl;

namespace LocalRqa.Bench;

/// <summary>A CTL batch with its queries and candidates tokenized, as one training step consumes it.</summary>
public sealed record TokenizedCtlBatch(CtlBatch Batch, TokenizedText[] Queries, TokenizedText[] Candidates)
{
    IEnumerable<TokenizedText> Texts => Queries.Concat(Candidates);

    /// <summary>Real (non-padding) tokens of queries and candidates.</summary>
    public long Tokens => Texts.Sum(t => (long)t.Ids.Length);

    /// <summary>Σ L² over the texts, for the attention term.</summary>
    public double SquaredLengths => Texts.Sum(t => (double)t.Ids.Length * t.Ids.Length);

    /// <summary>Tokens after padding each run of <paramref name="chunkSize"/> texts to its longest (what the model computes).</summary>
    public long PaddedTokens(int chunkSize) =>
        Queries.Chunk(chunkSize).Concat(Candidates.Chunk(chunkSize)).Sum(c => (long)c.Length * c.Max(t => t.Ids.Length));
}
