using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Encoders;

/// <summary>Token ids of several texts padded to the longest of them (not to a fixed 512).</summary>
public sealed class TokenBatch : IDisposable
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

    public static TokenBatch Create(IReadOnlyList<TokenizedText> texts, int padTokenId)
    {
        var length = texts.Max(t => t.Ids.Length);
        var ids = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        Array.Fill(ids, padTokenId);
        for (var row = 0; row < texts.Count; row++)
        {
            var tokens = texts[row].Ids;
            for (var i = 0; i < tokens.Length; i++)
            {
                ids[row * length + i] = tokens[i];
                mask[row * length + i] = 1;
            }
        }
        return new TokenBatch(tensor(ids, texts.Count, length), tensor(mask, texts.Count, length));
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
