using LocalRqa.Encoders;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Training.GradCache;

/// <summary>
/// A batch of texts encoded in forward passes of at most chunkSize texts, each padded to its own longest text.
/// Texts are grouped longest first, so a pass holds texts of similar length and pads little (in a CTL batch of
/// short questions and long passages, or of passages of mixed lengths, one pass over everything computes mostly
/// padding). Plain and cached steps share the plan, so both draw dropout for exactly the same tensor shapes.
/// </summary>
internal sealed class TextChunks
{
    readonly long[] inverse;

    /// <summary>The texts of each pass, in the order they are encoded.</summary>
    public TokenizedText[][] Chunks { get; }

    public TextChunks(IReadOnlyList<TokenizedText> texts, int chunkSize)
    {
        // Stable: equal lengths keep their batch order, so the plan depends only on the lengths.
        var order = Enumerable.Range(0, texts.Count).OrderByDescending(i => texts[i].Ids.Length).ThenBy(i => i).ToArray();
        Chunks = order.Chunk(chunkSize).Select(c => c.Select(i => texts[i]).ToArray()).ToArray();
        inverse = new long[order.Length];
        for (var position = 0; position < order.Length; position++) inverse[order[position]] = position;
    }

    public long[] Sizes => Chunks.Select(c => (long)c.Length).ToArray();

    /// <summary>[n, H] embeddings of the chunks in encoding order → [n, H] in the batch's order (differentiable).</summary>
    public Tensor InBatchOrder(Tensor sorted) => sorted.index_select(0, tensor(inverse));

    /// <returns>[n, H] embeddings, with a graph when gradients are enabled</returns>
    public static Tensor Encode(SentenceEncoder encoder, TokenizedText[] chunk)
    {
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.Create(chunk, encoder.Tokenizer.PadTokenId);
        return encoder.Forward(batch).MoveToOuterDisposeScope();
    }
}
