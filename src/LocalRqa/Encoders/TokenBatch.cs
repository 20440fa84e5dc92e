using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>Token ids of several texts padded to the longest of them (not to a fixed 512).</summary>
internal sealed class TokenBatch : IDisposable
{
    /// <summary>[B, T] int64</summary>
    public Tensor InputIds { get; }
    /// <summary>[B, T] int64, 1 for tokens and 0 for padding</summary>
    public Tensor AttentionMask { get; }

    TokenBatch(Tensor inputIds, Tensor attentionMask)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
    }

    /// <param name="length">Pad to at least this many tokens (LocalRQA's padding='max_length'), else to the longest.</param>
    public static TokenBatch Create(IReadOnlyList<TokenizedText> texts, int padTokenId, int? length = null)
    {
        var padded = PaddedTokenIds.Of(texts, padTokenId, length);
        return new TokenBatch(tensor(padded.Ids, padded.Rows, padded.Length), tensor(padded.Mask, padded.Rows, padded.Length));
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
