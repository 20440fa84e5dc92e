using LocalRqa.Runtime;
using static TorchSharp.torch;

namespace LocalRqa.Indexing;

/// <summary>
/// Brute-force search over all document embeddings, as FAISS's flat indexes: one float32 tensor [N, D]
/// (rows L2-normalised for cosine), scored with matrix products in query batches × document chunks so that
/// memory stays bounded (a [B, C] score block at a time) however many documents and queries there are.
/// <para>
/// Order: hits come by score, equal scores by lower document index. Bit-identical embeddings (one document text
/// stored twice) are scored once and listed together in index order, on every CPU and thread count (see
/// <see cref="DuplicateRows"/>). Distinct embeddings are ordered by their computed float32 scores, which BLAS
/// may round an ulp differently by CPU, thread count and chunk shape: near-ties between distinct embeddings can
/// order differently on another machine, never by more than that rounding.
/// </para>
/// </summary>
internal sealed class ExactVectorIndex : IVectorIndex
{
    readonly Tensor embeddings;     // [N, D] float32, owned
    readonly Tensor? squaredNorms;  // [1, N] ||d||², euclidean only
    readonly DuplicateRows? duplicates; // null when every row is distinct
    readonly Tensor? copyMask;      // [1, N] bool: rows listed with an identical earlier row, never scored
    const long ValidationBlockRows = 65536;
    int queryBatchSize = 1024;
    int documentChunkSize = 16384;

    public int Count { get; }
    public int Dimension { get; }
    public Similarity Similarity { get; }

    /// <summary>Queries scored together (default 1024).</summary>
    public int QueryBatchSize
    {
        get => queryBatchSize;
        set => queryBatchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "must be at least 1");
    }

    /// <summary>Documents scored together against a query batch (default 16384; a [1024, 16384] block is 64 MiB).</summary>
    public int DocumentChunkSize
    {
        get => documentChunkSize;
        set => documentChunkSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), "must be at least 1");
    }

    /// <summary>
    /// Takes ownership of <paramref name="stored"/> (float32 [N, D], already normalised for cosine), also when
    /// it throws.
    /// </summary>
    internal ExactVectorIndex(Tensor stored, Similarity similarity)
    {
        TorchRuntime.Initialize();
        // The index outlives whatever dispose scope its caller is in.
        stored.DetachFromDisposeScope();
        try
        {
            if (stored.dim() != 2 || stored.dtype != ScalarType.Float32)
                throw new ArgumentException($"expected a float32 [N, D] tensor, got {stored.dtype} [{string.Join(", ", stored.shape)}]");
            if (stored.shape[0] == 0) throw new RqaException("cannot build a vector index of no documents");
            if (stored.shape[1] == 0) throw new RqaException("cannot build a vector index of zero-length embeddings");
            using (no_grad())
            {
                var rows = stored.shape[0];
                if (similarity == Similarity.Euclidean) squaredNorms = empty([1, rows], ScalarType.Float32).DetachFromDisposeScope(); // [1, N]
                // Block by block: whole-matrix temporaries (isfinite's, square's) would double the index's memory.
                for (long start = 0; start < rows; start += ValidationBlockRows)
                {
                    using var scope = NewDisposeScope();
                    var count = Math.Min(ValidationBlockRows, rows - start);
                    var block = stored.narrow(0, start, count); // [b, D]
                    var finite = block.isfinite().all(1); // [b]
                    if (!finite.all().item<bool>())
                    {
                        var row = start + finite.logical_not().nonzero()[0, 0].item<long>();
                        throw new RqaException($"document embedding {row} is not finite (NaN or infinity)");
                    }
                    squaredNorms?.narrow(1, start, count).copy_(block.square().sum(1).unsqueeze(0)); // [1, b]
                }
                duplicates = DuplicateRows.Find(stored, ValidationBlockRows);
                if (duplicates is not null)
                {
                    var mask = new bool[rows];
                    for (var i = 0; i < rows; i++) mask[i] = duplicates.IsCopy(i);
                    copyMask = tensor(mask, [1, rows]).DetachFromDisposeScope();
                }
            }
        }
        catch
        {
            stored.Dispose();
            squaredNorms?.Dispose();
            copyMask?.Dispose();
            throw;
        }
        embeddings = stored;
        Count = (int)stored.shape[0];
        Dimension = (int)stored.shape[1];
        Similarity = similarity;
    }

    /// <summary>An index of the rows (copied; normalised for cosine).</summary>
    public static ExactVectorIndex FromRows(float[][] rows, Similarity similarity)
    {
        if (rows.Length == 0) throw new RqaException("cannot build a vector index of no documents");
        using var builder = new ExactVectorIndexBuilder(rows[0].Length, similarity, rows.Length);
        builder.Add(rows);
        return builder.Build();
    }

    /// <summary>An index of a [N, D] tensor's rows (copied; the caller keeps and disposes its tensor).</summary>
    public static ExactVectorIndex FromTensor(Tensor embeddings, Similarity similarity)
    {
        if (embeddings.dim() != 2) throw new RqaException($"expected [N, D] embeddings, got [{string.Join(", ", embeddings.shape)}]");
        using var builder = new ExactVectorIndexBuilder((int)embeddings.shape[1], similarity, (int)Math.Max(1, embeddings.shape[0]));
        builder.Add(embeddings);
        return builder.Build();
    }

    /// <summary>The stored rows [N, D] (normalised for cosine); a view the index keeps owning: do not modify or dispose.</summary>
    public Tensor Embeddings => embeddings;

    public IReadOnlyList<SearchHit[]> Search(float[][] queries, int k)
    {
        if (queries.Length == 0) return [];
        var flat = new float[checked(queries.Length * Dimension)];
        for (var i = 0; i < queries.Length; i++)
        {
            if (queries[i].Length != Dimension)
                throw new RqaException($"query {i} has {queries[i].Length} dimensions but the index has {Dimension}");
            queries[i].CopyTo(flat, i * Dimension);
        }
        using var scope = NewDisposeScope();
        return Search(tensor(flat, [queries.Length, Dimension]), k);
    }

    /// <summary>As <see cref="Search(float[][], int)"/> for a [Q, D] tensor of queries.</summary>
    public IReadOnlyList<SearchHit[]> Search(Tensor queries, int k)
    {
        if (k < 1) throw new RqaException($"k must be at least 1, got {k}");
        if (queries.dim() != 2 || queries.shape[1] != Dimension)
            throw new RqaException($"queries of shape [{string.Join(", ", queries.shape)}] do not match the index's dimension {Dimension}");
        var total = (int)queries.shape[0];
        var keep = Math.Min(k, Count);
        // The best k scored rows always hold the best k documents: each brings itself and its copies.
        var scoredKeep = Math.Min(k, duplicates?.DistinctCount ?? Count);
        var results = new SearchHit[total][];
        using var _ = no_grad();
        using var allocator = GlibcMalloc.ForInference();
        // One score buffer for the whole search, written in place by every chunk's product: a fresh [B, C] tensor per
        // chunk (64 MiB at the defaults) is a fresh mmap whose pages fault in again each time.
        using var scoreBuffer = empty(Math.Min(queryBatchSize, total), Math.Min(documentChunkSize, Count)); // [B, C]
        for (var start = 0; start < total; start += queryBatchSize)
        {
            var size = Math.Min(queryBatchSize, total - start);
            var best = SearchBatch(queries, start, size, scoredKeep, scoreBuffer);
            for (var r = 0; r < size; r++) results[start + r] = duplicates is null ? best.Hits(r) : WithCopies(best.Hits(r), keep);
        }
        return results;
    }

    /// <summary>The scored hits with each one's identical copies beside it, by (score, index), cut to <paramref name="keep"/>.</summary>
    SearchHit[] WithCopies(SearchHit[] scored, int keep)
    {
        var all = new List<SearchHit>(scored.Length);
        foreach (var hit in scored)
        {
            all.Add(hit);
            foreach (var copy in duplicates!.CopiesOf(hit.Index)) all.Add(new SearchHit(copy, hit.Score));
        }
        var higherIsBetter = Similarity.HigherIsBetter();
        all.Sort((a, b) => a.Index == b.Index ? 0 : RunningTopK.Before(a, b, higherIsBetter) ? -1 : 1);
        return all.Take(keep).ToArray();
    }

    RunningTopK SearchBatch(Tensor queries, int start, int size, int keep, Tensor scoreBuffer)
    {
        using var scope = NewDisposeScope();
        var batch = queries.narrow(0, start, size).to(ScalarType.Float32); // [B, D]
        var finite = batch.isfinite().all(1); // [B]
        if (!finite.all().item<bool>())
            throw new RqaException($"query {start + finite.logical_not().nonzero()[0, 0].item<long>()} is not finite (NaN or infinity)");
        if (Similarity == Similarity.Cosine) batch = nn.functional.normalize(batch, p: 2, dim: 1);
        var queryNorms = Similarity == Similarity.Euclidean ? batch.square().sum(1, keepdim: true) : null; // [B, 1]
        var higherIsBetter = Similarity.HigherIsBetter();
        var best = new RunningTopK(size, keep, higherIsBetter);
        var candidates = new SearchHit[keep];
        var chunk = Math.Min(documentChunkSize, Count);
        for (var next = 0; next < Count; next += chunk)
        {
            using var chunkScope = NewDisposeScope();
            // Every chunk has the same shape, the last one shifted back to overlap its predecessor (the overlap
            // masked out): BLAS may round differently for another shape, and duplicate documents in different
            // chunks must score identically for ties to resolve by index.
            var chunkStart = Math.Min(next, Count - chunk);
            var overlap = next - chunkStart;
            var documents = embeddings.narrow(0, chunkStart, chunk); // [C, D]
            var scores = scoreBuffer.narrow(0, 0, size); // [B, C], rows of a contiguous buffer: contiguous
            if (queryNorms is null) scores.addmm_(batch, documents.t(), beta: 0, alpha: 1); // beta 0: the buffer's old values are not read
            else
            {
                // ||q||² - 2 q·d + ||d||², clamped: rounding can make a distance slightly negative.
                scores.copy_(squaredNorms!.narrow(1, chunkStart, chunk).expand(size, chunk));
                scores.addmm_(batch, documents.t(), beta: 1, alpha: -2).add_(queryNorms).clamp_min_(0);
            }
            var unscored = higherIsBetter ? float.NegativeInfinity : float.PositiveInfinity;
            if (overlap > 0) scores.narrow(1, 0, overlap).fill_(unscored);
            if (copyMask is not null) scores.masked_fill_(copyMask.narrow(1, chunkStart, chunk), unscored);
            var eligible = duplicates?.DistinctIn(next, chunk - overlap) ?? chunk - overlap;
            if (eligible == 0) continue;
            var take = Math.Min(keep, eligible);
            // One more than kept, when there is one: it shows whether a tie crosses the k boundary.
            var probe = Math.Min(take + 1, chunk);
            var (values, indices) = scores.topk(probe, dim: 1, largest: higherIsBetter, sorted: true); // [B, probe]
            var hostValues = values.data<float>().ToArray();
            var hostIndices = indices.data<long>().ToArray();
            // topk's values are exact but which of several equal scores it picks is not: where the next score equals the
            // worst kept one, count the chunk's scores equal to it (a pass over the chunk, so only then), to spot ties cut
            // by the k boundary. Masked scores (±infinity) never tie with a kept finite one.
            var boundaryTie = take < eligible && probe > take && Enumerable.Range(0, size).Any(r => hostValues[r * probe + take] == hostValues[r * probe + take - 1]);
            var tiesInChunk = boundaryTie ? scores.eq(values.narrow(1, take - 1, 1)).sum(1).data<long>().ToArray() : null; // [B]
            for (var r = 0; r < size; r++)
            {
                var row = candidates.AsSpan(0, take);
                for (var j = 0; j < take; j++) row[j] = new SearchHit(chunkStart + (int)hostIndices[r * probe + j], hostValues[r * probe + j]);
                row.Sort(best.Compare);
                if (tiesInChunk is not null) KeepLowestTiedIndices(scores, r, row, tiesInChunk[r], chunkStart);
                best.Merge(r, row);
            }
        }
        return best;
    }

    /// <summary>
    /// When more documents of the chunk tie with the worst kept score than topk kept, replaces the kept tied
    /// ones (the tail of the sorted row) by the lowest-indexed tied documents.
    /// </summary>
    static void KeepLowestTiedIndices(Tensor scores, int r, Span<SearchHit> row, long tiesInChunk, int chunkStart)
    {
        var worst = row[^1].Score;
        var kept = 0;
        while (kept < row.Length && row[row.Length - 1 - kept].Score == worst) kept++;
        if (tiesInChunk <= kept) return;
        using var scope = NewDisposeScope();
        var tied = scores[r].eq(worst).nonzero().squeeze(1).narrow(0, 0, kept).data<long>().ToArray(); // [kept], ascending
        for (var j = 0; j < kept; j++) row[row.Length - kept + j] = new SearchHit(chunkStart + (int)tied[j], worst);
    }

    public void Dispose()
    {
        embeddings.Dispose();
        squaredNorms?.Dispose();
        copyMask?.Dispose();
    }
}
