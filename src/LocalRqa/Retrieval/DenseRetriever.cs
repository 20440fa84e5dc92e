using System.Diagnostics;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Inference;
using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// Dense retrieval (LocalRQA's "faiss" retriever): documents' `fmt_content` embedded with the passage prompt
/// into an exact vector index; queries embedded with the query prompt and searched. The index can persist at
/// an `--index_path` and is reused only when built from the same documents, model and settings.
/// </summary>
public sealed class DenseRetriever : IRetriever, IDisposable
{
    readonly SentenceEncoder encoder;
    readonly IVectorIndex index;
    readonly int batchSize;

    /// <summary>"dense (cosine)": the retriever and its similarity, for logs.</summary>
    public string Description { get; }
    internal IVectorIndex Index => index;

    internal DenseRetriever(SentenceEncoder encoder, IVectorIndex index, int batchSize, string description)
    {
        this.encoder = encoder;
        this.index = index;
        this.batchSize = batchSize;
        Description = description;
    }

    /// <summary>The model's own similarity (sentence-transformers `similarity_fn_name`), else cosine.</summary>
    internal static Similarity DefaultSimilarity(SentenceEncoder encoder) =>
        Similarities.TryParse(encoder.Settings.SimilarityFunction) ?? Similarity.Cosine;

    /// <summary>
    /// Embeds the collection, or loads the index saved at <paramref name="indexPath"/> when it was built
    /// identically. An index built differently is refused with what differs, unless <paramref name="rebuild"/>.
    /// </summary>
    internal static DenseRetriever Build(SentenceEncoder encoder, DocumentCollection documents, Similarity similarity, int batchSize,
        string? indexPath = null, bool rebuild = false, TextWriter? log = null, Func<int, IProgress<int>>? startProgress = null)
    {
        var description = $"dense ({similarity.Name()})";
        if (indexPath is null) return new DenseRetriever(encoder, Embed(encoder, documents, similarity, batchSize, log, startProgress), batchSize, description);

        var manifest = VectorIndexManifest.For(documents.Documents, ModelFingerprint.Of(encoder), encoder.Settings, similarity, encoder.Dimension);
        if (!rebuild)
        {
            var clock = Stopwatch.StartNew();
            if (VectorIndexStore.TryLoad(indexPath, manifest, out var loaded, out var mismatch, log))
            {
                log?.WriteLine($"reusing the index at {indexPath} ({loaded.Count} documents, {similarity.Name()}): loaded in {clock.Elapsed.TotalSeconds:F1} s, no documents embedded");
                return new DenseRetriever(encoder, loaded, batchSize, description);
            }
            if (mismatch is not null)
                throw new RqaException($"{indexPath}: the saved index does not fit this run: {mismatch}; pass --rebuild_index to rebuild it, or choose another --index_path");
        }
        var built = Embed(encoder, documents, similarity, batchSize, log, startProgress);
        try
        {
            // Only an empty folder or an rqa index is ever replaced, --rebuild_index or not: the path may be a
            // mistake pointing at the user's data.
            VectorIndexStore.Save(indexPath, manifest, built);
        }
        catch
        {
            built.Dispose();
            throw;
        }
        log?.WriteLine($"saved the index to {indexPath}");
        return new DenseRetriever(encoder, built, batchSize, description);
    }

    static ExactVectorIndex Embed(SentenceEncoder encoder, DocumentCollection documents, Similarity similarity, int batchSize,
        TextWriter? log, Func<int, IProgress<int>>? startProgress)
    {
        log?.WriteLine($"embedding {documents.Count} documents (fmt_content, max length {encoder.Settings.MaxLength}) ...");
        var clock = Stopwatch.StartNew();
        var texts = documents.Documents.Select(d => d.FmtContent).ToList();
        var embeddings = encoder.Encode(texts, PromptKind.Passage, batchSize, startProgress?.Invoke(texts.Count));
        log?.WriteLine($"embedded {texts.Count} documents in {clock.Elapsed.TotalSeconds:F1} s ({texts.Count / clock.Elapsed.TotalSeconds:F1} docs/s, {EngineChoice.Name(encoder.LastPassEngine!.Value)})");
        return ExactVectorIndex.FromRows(embeddings, similarity);
    }

    /// <summary>Embeds the queries with the query prompt and searches the index: the top <paramref name="k"/> documents of each, best first.</summary>
    /// <param name="queries">the questions</param>
    /// <param name="k">documents per query</param>
    /// <param name="progress">receives the number of queries done</param>
    public IReadOnlyList<SearchHit[]> Retrieve(IReadOnlyList<string> queries, int k, IProgress<int>? progress = null)
    {
        var embeddings = encoder.Encode(queries, PromptKind.Query, batchSize);
        var hits = index.Search(embeddings, k);
        progress?.Report(queries.Count);
        return hits;
    }

    /// <summary>Frees the index's native memory (not the model's).</summary>
    public void Dispose() => index.Dispose();
}
