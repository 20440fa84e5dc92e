using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Retrieval;
using LocalRqa.Indexing;
using LocalRqa.BuiltIn;

namespace LocalRqa.Jobs;

/// <summary>
/// Builds DCA files from LocalRQA train/eval files, a step LocalRQA leaves to the user: each question gets
/// <c>n_context</c> passages retrieved from the document database (BM25 or a dense model) with its gold
/// passages first, moved to the front when retrieved, else inserted there and the last retrieved dropped.
/// A ctx is <c>{id, title: metadata.title or "", text: page_content, score}</c>; gold passages get the top
/// retrieval score of their list so that the score sort of every DCA reader keeps them first, which
/// modify_score relies on.
/// </summary>
public static class PrepareCtxsJob
{
    /// <summary>The default output beside an input: &lt;name&gt;_ctxs.json.</summary>
    public static string DefaultOutput(string input) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileNameWithoutExtension(input) + "_ctxs.json");

    /// <returns>The files written, one per input.</returns>
    public static IReadOnlyList<string> Run(PrepareCtxsRequest request, TextWriter log, Func<string, int, IProgress<int>>? startProgress = null,
        Func<string, string>? resolveModel = null)
    {
        if (request.Inputs.Count == 0) throw new RqaException("give the questions to prepare: --input, --train_file or --eval_file");
        if (request.NContext < 1) throw new RqaException($"--n_context must be at least 1, got {request.NContext}");
        if (request.BatchSize < 1) throw new RqaException($"--batch_size must be at least 1, got {request.BatchSize}");
        if (request.Output is not null && request.Inputs.Count > 1)
            throw new RqaException($"--output names one file but {request.Inputs.Count} inputs were given; leave it out to write <name>_ctxs.json beside each input");
        var kind = request.Retriever.Trim().ToLowerInvariant() switch
        {
            "bm25" => "bm25",
            "dense" or "faiss" => "dense",
            _ => throw new RqaException($"--retriever: unknown retriever '{request.Retriever}' (expected bm25 or dense)"),
        };
        if (kind == "dense" && request.ModelNameOrPath is null) throw new RqaException("--retriever dense needs --model_name_or_path");
        var outputs = request.Inputs.Select(i => request.Output ?? DefaultOutput(i)).ToList();
        foreach (var (input, output) in request.Inputs.Zip(outputs))
        {
            if (Path.GetFullPath(input) == Path.GetFullPath(output)) throw new RqaException($"{output}: would overwrite its input; choose another --output");
            AtomicFile(output);
        }
        // Read every input before the slow part, so a bad file fails in seconds.
        var inputs = request.Inputs.Select(path => (Path: path, Examples: WithQuestions(path, RetrievalDataReader.Read(path), log))).ToList();

        var documents = DocumentCollection.Load(request.DocumentPath, log);
        log.WriteLine($"loaded {documents.Count} documents from {request.DocumentPath}");
        SentenceEncoder? encoder = null;
        IRetriever? retriever = null;
        try
        {
            if (kind == "bm25") retriever = new Bm25Retriever(documents.Documents);
            else
            {
                encoder = SentenceEncoder.Load((resolveModel ?? ModelLocator.Resolve)(request.ModelNameOrPath!));
                retriever = DenseRetriever.Build(encoder, documents, DenseRetriever.DefaultSimilarity(encoder), request.BatchSize, log: log,
                    startProgress: total => startProgress?.Invoke("embedding documents", total) ?? new Progress<int>());
            }
            var depth = Math.Min(request.NContext, documents.Count);
            if (depth < request.NContext)
                log.WriteLine($"warning: the database has only {documents.Count} documents; questions get {depth} ctxs, not --n_context {request.NContext}");
            for (var f = 0; f < inputs.Count; f++)
            {
                var (path, examples) = inputs[f];
                log.WriteLine($"retrieving {depth} ctxs for {examples.Count} questions of {path} ({retriever.Description})");
                var questions = examples.Select(e => e.Question).ToList();
                var hits = retriever.Retrieve(questions, depth, startProgress?.Invoke("retrieving", questions.Count));
                var built = examples.Select((e, i) => Build(e, i, hits[i], documents, depth)).ToList();
                DcaFileWriter.Write(outputs[f], built);
                log.WriteLine($"wrote {built.Count} questions with {depth} ctxs each to {outputs[f]}");
            }
        }
        finally
        {
            (retriever as IDisposable)?.Dispose();
            encoder?.Dispose();
        }
        return outputs;
    }

    /// <summary>
    /// Drops empty questions (the Faire training file has one), which a DCA file refuses: the reader and the
    /// retriever would have nothing to relate the passages to.
    /// </summary>
    static IReadOnlyList<RetrievalExample> WithQuestions(string path, IReadOnlyList<RetrievalExample> examples, TextWriter log)
    {
        var empty = examples.Where(e => string.IsNullOrWhiteSpace(e.Question)).ToList();
        if (empty.Count == 0) return examples;
        log.WriteLine($"warning: {path}: skipping {empty.Count} empty questions (lines {string.Join(", ", empty.Select(e => e.Line).Distinct().Take(5))})");
        var kept = examples.Where(e => !string.IsNullOrWhiteSpace(e.Question)).ToList();
        return kept.Count > 0 ? kept : throw new RqaException($"{path}: every question is empty");
    }

    static void AtomicFile(string output)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(folder);
        Files.AtomicFile.CheckWritable(output);
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
