using LocalRqa.Encoders;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Training.GradCache;

/// <summary>
/// The contrastive step without caching: every chunk is encoded with its graph kept, the loss is computed on
/// all embeddings and backpropagated once, so activation memory grows with the whole batch. It is the reference
/// GradCache must reproduce, and the path taken when one chunk already holds a whole tower's batch.
/// </summary>
internal static class PlainStep
{
    /// <summary>
    /// Texts per forward pass when the caller does not say: length-sorted passes of 16 pad far less than one pass
    /// over the whole batch, run as fast per token, and keep the same activations alive (all graphs live until the
    /// loss's backward), so they change nothing but the time spent on padding.
    /// </summary>
    public const int DefaultChunkSize = 16;

    /// <summary>
    /// Accumulates the loss's parameter gradients into <c>.grad</c> (the caller zeroes them) and returns the loss.
    /// </summary>
    /// <param name="chunkSize">
    /// Texts per forward pass. It changes no gradient in eval mode; in train mode it fixes the shapes dropout
    /// draws for, which is what makes a GradCache step with the same chunk size comparable bit for bit.
    /// </param>
    public static float Run(SentenceEncoder encoder, IReadOnlyList<TokenizedText> queries, IReadOnlyList<TokenizedText> documents,
        EmbeddingLoss loss, int chunkSize = DefaultChunkSize)
    {
        Validate(queries, documents, chunkSize);
        using var scope = NewDisposeScope();
        // Queries first, then documents: the order GradCacheStep draws random numbers in.
        var queryPlan = new TextChunks(queries, chunkSize);
        var documentPlan = new TextChunks(documents, chunkSize);
        var q = queryPlan.InBatchOrder(cat(queryPlan.Chunks.Select(c => TextChunks.Encode(encoder, c)).ToArray(), 0)); // [B, H]
        var d = documentPlan.InBatchOrder(cat(documentPlan.Chunks.Select(c => TextChunks.Encode(encoder, c)).ToArray(), 0)); // [C, H]
        var value = Evaluate(loss, q, d); // []
        value.backward();
        return value.item<float>();
    }

    internal static void Validate(IReadOnlyList<TokenizedText> queries, IReadOnlyList<TokenizedText> documents, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (queries.Count == 0) throw new ArgumentException("a contrastive step needs at least one query", nameof(queries));
        if (documents.Count == 0) throw new ArgumentException("a contrastive step needs at least one document", nameof(documents));
    }

    /// <summary>The loss of q [B, H] and d [C, H], checked to be a scalar (backward needs one).</summary>
    internal static Tensor Evaluate(EmbeddingLoss loss, Tensor q, Tensor d)
    {
        var value = loss(q, d);
        if (value.numel() != 1)
            throw new ArgumentException($"the contrastive loss must return one element, got shape [{string.Join(", ", value.shape)}]", nameof(loss));
        return value.reshape([]);
    }
}
