using LocalRqa.Encoders;
using static TorchSharp.torch;

namespace LocalRqa.Training.Dca;

/// <summary>
/// Question and passage embeddings as DCA trains them (LocalRQA's FidRetrieverTrainer.embed_text): token states
/// (through the projection when the encoder has one), then the first token with <c>--extract_cls</c>, else a mean.
/// With the mask applied (<c>--apply_question_mask</c> / <c>--apply_passage_mask</c>) padding is masked in attention
/// and left out of the mean; without it the network attends to padding and the mean runs over every position,
/// padding included, exactly as LocalRQA does. Then the padded length matters: LocalRQA pads passages to
/// text_maxlength and questions to the longest in the batch, so pad passages with
/// <see cref="TokenBatch.Create(IReadOnlyList{Tokenization.TokenizedText}, int, int?)"/>'s length to match it.
/// </summary>
internal static class DcaEmbedder
{
    /// <returns>[B, D] embeddings, with a graph when gradients are enabled; not normalised (LocalRQA's are not)</returns>
    public static Tensor Embed(SentenceEncoder encoder, TokenBatch batch, bool applyMask, bool extractCls)
    {
        using var scope = NewDisposeScope();
        var attention = applyMask ? batch.AttentionMask : ones_like(batch.AttentionMask);
        var states = encoder.TokenStates(batch.InputIds, attention); // [B, T, D]
        var pooled = extractCls ? states.select(1, 0) // [B, D]
            : applyMask ? Pooling.Pool(states, batch.AttentionMask, PoolingType.Mean)
            : states.mean([1]);
        return pooled.MoveToOuterDisposeScope();
    }
}
