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
        var longest = texts.Max(t => t.Ids.Length);
        length = Math.Max(longest, length ?? 0);
        var ids = new long[texts.Count * length.Value];
        var mask = new long[texts.Count * length.Value];
        Array.Fill(ids, padTokenId);
        for (var row = 0; row < texts.Count; row++)
        {
            var tokens = texts[row].Ids;
            for (var i = 0; i < tokens.Length; i++)
            {
                ids[row * length.Value + i] = tokens[i];
                mask[row * length.Value + i] = 1;
            }
        }
        return new TokenBatch(tensor(ids, texts.Count, length.Value), tensor(mask, texts.Count, length.Value));
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
