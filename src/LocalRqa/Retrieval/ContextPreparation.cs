using LocalRqa.BuiltIn;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Files;
using LocalRqa.Indexing;

namespace LocalRqa.Retrieval;

/// <summary>
/// Turns LocalRQA questions into DCA questions, a step LocalRQA leaves to the user: each question gets
/// <c>n_context</c> passages retrieved from the document database (BM25, a dense model, or both fused) with its gold passages
/// first, moved to the front when retrieved, else inserted there and the last retrieved dropped. A ctx is
/// <c>{id, title: metadata.title or "", text: page_content, score}</c>; gold passages get the top retrieval score of
/// their list so that the score sort of every DCA reader keeps them first, which modify_score relies on.
/// `rqa prepare-ctxs` and `rqa train dca --prepare_ctxs` both use it.
/// </summary>
internal static class ContextPreparation
{
    /// <summary>
    /// A BM25 retriever, or a dense one of <paramref name="model"/>, fused with BM25 when <paramref name="fusion"/> is
    /// given (the caller disposes the encoder it returns).
    /// </summary>
    public static (IRetriever Retriever, SentenceEncoder? Encoder) OpenRetriever(bool dense, string? model, DocumentCollection documents,
        int batchSize, TextWriter log, Func<string, int, IProgress<int>>? startProgress, Func<string, string>? resolveModel,
        HybridSettings? fusion = null)
    {
        if (fusion is not null && !dense) throw new ArgumentException("a hybrid retriever needs the dense model", nameof(fusion));
        if (!dense) return (new Bm25Retriever(documents.Documents), null);
        var encoder = SentenceEncoder.Load((resolveModel ?? ModelLocator.Resolve)(model ?? throw new RqaException("--retriever dense needs --model_name_or_path")));
        try
        {
            var retriever = DenseRetriever.Build(encoder, documents, DenseRetriever.DefaultSimilarity(encoder), batchSize, log: log,
                startProgress: total => startProgress?.Invoke("embedding documents", total) ?? new Progress<int>());
            return (fusion is null ? retriever : new HybridRetriever(retriever, new Bm25Retriever(documents.Documents), fusion), encoder);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Retrieves <paramref name="n"/> ctxs for every question of <paramref name="path"/> and writes them as a DCA file.</summary>
    /// <param name="results">where the file is staged, to appear with the run's other results; null: written at once</param>
    public static void Write(string path, IReadOnlyList<RetrievalExample> examples, string output, IRetriever retriever, DocumentCollection documents,
        int n, TextWriter log, Func<string, int, IProgress<int>>? startProgress, ResultFiles? results = null)
    {
        var depth = Math.Min(n, documents.Count);
        if (depth < n) log.WriteLine($"warning: the database has only {documents.Count} documents; questions get {depth} ctxs, not --n_context {n}");
        log.WriteLine($"retrieving {depth} ctxs for {examples.Count} questions of {path} ({retriever.Description})");
        var questions = examples.Select(e => e.Question).ToList();
        var hits = retriever.Retrieve(questions, depth, startProgress?.Invoke("retrieving", questions.Count));
        var built = examples.Select((e, i) => Build(e, i, hits[i], documents, depth)).ToList();
        DcaFileWriter.Write(results?.Stage(output) ?? output, built);
        log.WriteLine($"wrote {built.Count} questions with {depth} ctxs each to {output}");
    }

    /// <summary>
    /// The questions of a file without the empty ones (the Faire training file has one), which a DCA file refuses: the
    /// reader and the retriever would have nothing to relate the passages to.
    /// </summary>
    public static IReadOnlyList<RetrievalExample> WithQuestions(string path, IReadOnlyList<RetrievalExample> examples, TextWriter log)
    {
        var empty = examples.Where(e => string.IsNullOrWhiteSpace(e.Question)).ToList();
        if (empty.Count == 0) return examples;
        log.WriteLine($"warning: {path}: skipping {empty.Count} empty questions (lines {string.Join(", ", empty.Select(e => e.Line).Distinct().Take(5))})");
        var kept = examples.Where(e => !string.IsNullOrWhiteSpace(e.Question)).ToList();
        return kept.Count > 0 ? kept : throw new RqaException($"{path}: every question is empty");
    }

    /// <summary>One question's ctxs: gold passages first (in gold_docs order), then the retrieved others, n in all.</summary>
    internal static DcaQuestion Build(RetrievalExample example, int position, IReadOnlyList<SearchHit> hits, DocumentCollection documents, int n)
    {
        var goldIdentities = example.GoldDocs.Select(d => d.Identity).ToHashSet();
        var top = hits.Count > 0 ? hits.Max(h => h.Score) : 1.0;
        // The database's copy of a gold passage when it has one (its metadata, e.g. the title, is the reference).
        var golds = example.GoldDocs.Select(d => documents.IndexOf(d.Identity) is var k and >= 0 ? (k, documents.Documents[k]) : (-1, d))
            .Select(g => Context(g.Item1, g.Item2, top));
        var others = hits.Where(h => !goldIdentities.Contains(documents.Documents[h.Index].Identity))
            .Select(h => Context(h.Index, documents.Documents[h.Index], h.Score));
        var contexts = golds.Concat(others).Take(Math.Max(n, example.GoldDocs.Count)).ToList();
        var answers = example.GoldAnswer is { } answer ? new[] { answer } : [];
        return new DcaQuestion(position.ToString(System.Globalization.CultureInfo.InvariantCulture), example.Question, contexts, example.GoldDocs, answers);
    }

    static DcaContext Context(int index, Document document, double score) =>
        new(index >= 0 ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            document.Metadata.TryGetValue("title", out var title) && title is not null ? Document.PythonStr(title) : "",
            document.PageContent, score);
}
