using LocalRqa.Encoders;
using LocalRqa.Tokenization;
using static TorchSharp.torch;

namespace LocalRqa.Training.GradCache;

/// <summary>
/// Gradient caching (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size under Memory Limited Setup"):
/// a contrastive step over a batch far larger than one forward pass's activations would allow, with the same
/// parameter gradients as <see cref="PlainStep"/>. Only one chunk's graph is alive at any time; what is kept
/// for the whole batch is its embeddings and their gradients, [B + C, H].
/// </summary>
internal static class GradCacheStep
{
    /// <summary>
    /// Accumulates the loss's parameter gradients into <c>.grad</c> (the caller zeroes them) and returns the loss.
    /// The encoder's mode is the caller's: in train mode dropout is active and replayed exactly. If it throws
    /// during phase 3, <c>.grad</c> holds part of the sum: zero it before trying again.
    /// </summary>
    /// <param name="chunkSize">texts per forward pass, for queries and documents alike</param>
    public static float Run(SentenceEncoder encoder, IReadOnlyList<TokenizedText> queries, IReadOnlyList<TokenizedText> documents,
        EmbeddingLoss loss, int chunkSize) => Run(encoder, queries, documents, loss, chunkSize, replayRandomState: true);

    /// <param name="replayRandomState">false only in tests, to show that without the replay dropout breaks equality</param>
    internal static float Run(SentenceEncoder encoder, IReadOnlyList<TokenizedText> queries, IReadOnlyList<TokenizedText> documents,
        EmbeddingLoss loss, int chunkSize, bool replayRandomState)
    {
        PlainStep.Validate(queries, documents, chunkSize);
        // One chunk per tower: caching would only add a second forward pass.
        if (chunkSize >= Math.Max(queries.Count, documents.Count))
            return PlainStep.Run(encoder, queries, documents, loss, chunkSize);

        using var scope = NewDisposeScope();
        var queryPlan = new TextChunks(queries, chunkSize);
        var documentPlan = new TextChunks(documents, chunkSize);
        var queryChunkCount = queryPlan.Chunks.Length;
        var chunks = queryPlan.Chunks.Concat(documentPlan.Chunks).ToArray();

        // Phase 1: embeddings without a graph. The CPU generator's state before each chunk is what dropout
        // (hidden and attention) will draw from; recording it lets phase 3 draw the very same masks.
        var randomStates = new Tensor[chunks.Length];
        var embeddings = new Tensor[chunks.Length]; // [n_i, H]
        using (no_grad())
        {
            for (var i = 0; i < chunks.Length; i++)
            {
                randomStates[i] = random.get_rng_state(); // [S] uint8: a copy of the CPU generator state
                embeddings[i] = TextChunks.Encode(encoder, chunks[i]);
            }
        }

        // Phase 2: the loss on leaf embeddings; its backward stops at them and caches dL/dq, dL/dd.
        // The leaves are in encoding order; the loss sees the batch's order, and the gradients come back sorted.
        var q = cat(embeddings[..queryChunkCount], 0).requires_grad_(); // [B, H]
        var d = cat(embeddings[queryChunkCount..], 0).requires_grad_(); // [C, H]
        var value = PlainStep.Evaluate(loss, queryPlan.InBatchOrder(q), documentPlan.InBatchOrder(d)); // []
        value.backward();
        var result = value.item<float>();
        var cachedGradients = q.grad!.split(queryPlan.Sizes, 0).Concat(d.grad!.split(documentPlan.Sizes, 0)).ToArray(); // [n_i, H]
        // Where a plain step would leave the generator; restored at the end so the replay consumes nothing.
        var afterStep = random.get_rng_state();

        // Phase 3: re-encode each chunk with its graph and push the cached gradient through it; by the chain rule
        // the parameter gradients sum to the plain step's. Each chunk's graph and activations die with its scope.
        try
        {
            for (var i = 0; i < chunks.Length; i++)
            {
                using var chunkScope = NewDisposeScope();
                if (replayRandomState) random.set_rng_state(randomStates[i]);
                var replayed = TextChunks.Encode(encoder, chunks[i]); // [n_i, H], equal to embeddings[i]
                replayed.backward([cachedGradients[i]]); // same as (replayed * grad).sum().backward()
            }
        }
        finally
        {
            random.set_rng_state(afterStep);
        }
        return result;
    }
}
