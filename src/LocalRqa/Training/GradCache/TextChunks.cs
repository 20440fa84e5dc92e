using LocalRqa.Encoders;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Training.GradCache;

/// <summary>
/// Consecutive runs of at most chunkSize texts, each padded to its own longest text and encoded in one forward
/// pass. Plain and cached steps share it, so both draw dropout for exactly the same tensor shapes.
/// </summary>
internal static class TextChunks
{
    public static TokenizedText[][] Split(IReadOnlyList<TokenizedText> texts, int chunkSize) =>
        texts.Chunk(chunkSize).ToArray();

    /// <returns>[n, H] embeddings, with a graph when gradients are enabled</returns>
    public static Tensor Encode(SentenceEncoder encoder, TokenizedText[] chunk)
    {
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.Create(chunk, encoder.Tokenizer.PadTokenId);
        return encoder.Forward(batch).MoveToOuterDisposeScope();
    }
}
