using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Json;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Teachers.LanguageModel;
using LocalRqa.Tokenization;
using LocalRqa.Training.Batches;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.GradCache;
using static TorchSharp.torch;

namespace LocalRqa.Training.Rpg;

/// <summary>
/// LocalRQA's RPG objective (REPLUG LSR, Shi et al. 2023). For each batch of questions: retrieve num_docs passages
/// per question from an index of the whole database built with the current retriever, put the gold passage first
/// (<see cref="GoldFirst"/>), score every passage by the frozen LM's likelihood of the answer
/// (<see cref="LmPassageScorer"/>, cached), and pull softmax(cos(q, p) / γ) towards softmax(lm / β)
/// (<see cref="RpgLoss"/>).
/// </summary>
/// <remarks>
/// Passage text. The index embeds each document's fmt_content (as every rqa index and LocalRQA's own index do),
/// and the training step embeds the same fmt_content. LocalRQA embeds page_content in its training step but
/// fmt_content in its index, so the passages it ranks and the passages it trains are encoded differently; here both
/// sides agree. The LM reads page_content, as in LocalRQA.
///
/// Refresh. With train_passage_encoder the passage embeddings in the index go stale as the model trains; the
/// database is re-embedded (batched, length-sorted, timed) before the batches number 0, r, 2r, … (r = refresh_step
/// × accumulation), and after a resume from the restored weights. Without it, passages are embedded once by the
/// initial model (before any checkpoint is restored) and only the question side learns: nothing goes stale and no
/// refresh is needed, at the price of a retriever whose passage side is the base model's.
/// </remarks>
internal sealed class RpgObjective : ITrainingObjective, IDisposable
{
    static readonly IEqualityComparer<Document> SameDocument =
        EqualityComparer<Document>.Create((a, b) => a!.Identity == b!.Identity, d => d.Identity.GetHashCode());

    readonly QuestionBatchLoader loader;
    readonly DocumentCollection documents;
    readonly LmPassageScorer scorer;
    readonly RpgObjectiveSettings settings;
    readonly RunLog? log;
    QuestionLoaderState position;
    ExactVectorIndex? index;         // the database's passages, cosine; null until the next batch builds it
    Tensor? frozenTable;             // [N + E, d] initial embeddings of the database and of golds outside it (frozen mode)
    readonly Dictionary<DocumentIdentity, int> frozenExtraRows = [];
    int batchesServed;
    int lastRefresh = -1;

    /// <param name="examples">training questions, each with its answer in GoldAnswer and its gold passage first in GoldDocs</param>
    public RpgObjective(SentenceEncoder encoder, IReadOnlyList<RetrievalExample> examples, DocumentCollection documents, LmPassageScorer scorer,
        RpgObjectiveSettings settings, RunLog? log = null)
    {
        if (examples.Count == 0) throw new RqaException("the training file has no questions");
        if (settings.NumDocs > documents.Count)
            throw new RqaException($"--num_docs {settings.NumDocs} is larger than the database ({documents.Count} documents in {documents.Path})");
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.RefreshEveryBatches, 1);
        foreach (var example in examples)
            if (example.GoldDocs.Count == 0 || string.IsNullOrWhiteSpace(example.GoldAnswer))
                throw new ArgumentException($"line {example.Line}: every example needs a gold passage and an answer", nameof(examples));
        Encoder = encoder;
        this.documents = documents;
        this.scorer = scorer;
        this.settings = settings;
        this.log = log;
        loader = new QuestionBatchLoader(examples, Math.Min(settings.BatchSize, examples.Count), settings.Seed);
        position = loader.Start;
        if (!settings.TrainPassageEncoder) BuildFrozenTable(examples);
    }

    public string Name => "rpg";
    public SentenceEncoder Encoder { get; }
    public int BatchesPerEpoch => loader.BatchesPerEpoch;
    public double Epoch => position.Epoch + (double)position.Position / loader.Count;

    /// <summary>Full re-embeddings of the database so far (the frozen mode's single embedding included).</summary>
    public int Refreshes { get; private set; }
    public double RefreshSeconds { get; private set; }
    /// <summary>Time spent getting LM scores (LM forward passes and cache look-ups).</summary>
    public double LmSeconds { get; private set; }
    public int QuestionsSeen { get; private set; }
    /// <summary>Questions whose gold passage was among the num_docs retrieved before it was put first.</summary>
    public int GoldRetrieved { get; private set; }

    public double AccumulateGradients(double scale)
    {
        var next = loader.Remaining(position).FirstOrDefault() ?? loader.Remaining(position = position with { Epoch = position.Epoch + 1, Position = 0 }).First();
        if (settings.TrainPassageEncoder && (index is null || batchesServed % settings.RefreshEveryBatches == 0)) Refresh();
        var batch = next.Examples;
        position = next.Next;
        batchesServed++;

        var questions = batch.Select(e => e.Question).ToList();
        var hits = index!.Search(Encoder.Encode(questions, PromptKind.Query, settings.EncodeBatchSize), settings.NumDocs);
        var passages = new List<IReadOnlyList<Document>>(batch.Count);
        var found = 0;
        var passesBefore = scorer.LmForwardPasses;
        var hitsBefore = scorer.CacheHits;
        var lm = new float[batch.Count * settings.NumDocs];
        var lmClock = Stopwatch.StartNew();
        for (var b = 0; b < batch.Count; b++)
        {
            var (placed, wasRetrieved) = GoldFirst.Place(hits[b].Select(h => documents.Documents[h.Index]).ToList(), batch[b].GoldDocs[0], SameDocument);
            if (wasRetrieved) found++;
            passages.Add(placed);
            scorer.Score(batch[b].Question, placed, batch[b].GoldAnswer!).CopyTo(lm, b * settings.NumDocs);
        }
        LmSeconds += lmClock.Elapsed.TotalSeconds;
        QuestionsSeen += batch.Count;
        GoldRetrieved += found;

        double value;
        using (var scope = NewDisposeScope())
        {
            var q = EncodeWithGrad(Encoder.Tokenize(questions, PromptKind.Query)); // [B, d]
            var p = settings.TrainPassageEncoder
                ? EncodeWithGrad(Encoder.Tokenize(passages.SelectMany(x => x).Select(d => d.FmtContent).ToList(), PromptKind.Passage))
                : frozenTable!.index_select(0, tensor(passages.SelectMany(x => x).Select(FrozenRow).ToArray())); // [B·n, d]
            p = p.reshape(batch.Count, settings.NumDocs, -1); // [B, n, d]
            var scores = RpgLoss.Scores(q, p, settings.RetrieveTemperature); // [B, n]
            var loss = RpgLoss.Compute(scores, tensor(lm, [batch.Count, settings.NumDocs]), settings.LmTemperature);
            (loss * scale).backward();
            value = loss.item<float>();
        }
        log?.WriteLine($"rpg batch {batchesServed}: gold passage already retrieved for {found}/{batch.Count} questions ({(double)found / batch.Count:F2}); " +
                       $"LM: {scorer.LmForwardPasses - passesBefore} forward passes, {scorer.CacheHits - hitsBefore} cached scores");
        return value;
    }

    Tensor EncodeWithGrad(IReadOnlyList<TokenizedText> texts)
    {
        var plan = new TextChunks(texts, settings.ChunkSize);
        return plan.InBatchOrder(cat(plan.Chunks.Select(c => TextChunks.Encode(Encoder, c)).ToArray(), 0));
    }

    long FrozenRow(Document passage)
    {
        var row = documents.IndexOf(passage.Identity);
        return row >= 0 ? row : documents.Count + frozenExtraRows[passage.Identity];
    }

    /// <summary>Re-embeds the whole database with the current weights (no graph, length-sorted batches) into a new index.</summary>
    void Refresh()
    {
        var clock = Stopwatch.StartNew();
        var rows = Encoder.Encode(documents.Documents.Select(d => d.FmtContent).ToList(), PromptKind.Passage, settings.EncodeBatchSize);
        index?.Dispose();
        index = null;
        index = ExactVectorIndex.FromRows(rows, Similarity.Cosine);
        Refreshes++;
        RefreshSeconds += clock.Elapsed.TotalSeconds;
        lastRefresh = batchesServed;
        log?.WriteLine($"rpg: index refreshed before batch {batchesServed + 1}: {documents.Count} documents embedded in {clock.Elapsed.TotalSeconds:F2} s");
    }

    void BuildFrozenTable(IReadOnlyList<RetrievalExample> examples)
    {
        Refresh();
        var extras = examples.Select(e => e.GoldDocs[0]).Where(d => documents.IndexOf(d.Identity) < 0).DistinctBy(d => d.Identity).ToList();
        for (var i = 0; i < extras.Count; i++) frozenExtraRows[extras[i].Identity] = i;
        if (extras.Count > 0)
            log?.WriteLine($"rpg: {extras.Count} gold passages of the training file are not in the database; embedded once with the initial model");
        using var scope = NewDisposeScope();
        var extraRows = Encoder.Encode(extras.Select(d => d.FmtContent).ToList(), PromptKind.Passage, settings.EncodeBatchSize);
        var table = extras.Count == 0 ? index!.Embeddings.clone()
            : cat([index!.Embeddings, tensor(extraRows.SelectMany(r => r).ToArray(), [extras.Count, index.Dimension])], 0);
        frozenTable = table.detach().MoveToOuterDisposeScope(); // [N + E, d]
    }

    public JsonObject SaveState()
    {
        var state = position.ToJson();
        state["batches"] = batchesServed;
        state["last_refresh_batch"] = lastRefresh;
        return state;
    }

    public void RestoreState(JsonObject state)
    {
        const string where = "objective_state.json";
        position = QuestionLoaderState.FromJson(state, loader.Seed);
        batchesServed = (int)(JsonFile.Integer(state["batches"], where, "batches") ?? throw new RqaException($"{where}: missing batches (not an rpg checkpoint?)"));
        lastRefresh = (int)(JsonFile.Integer(state["last_refresh_batch"], where, "last_refresh_batch") ?? -1);
        if (!settings.TrainPassageEncoder) return;
        // The saved run's index came from the weights of batch lastRefresh; only those of batch batchesServed exist now.
        index?.Dispose();
        index = null;
        if (batchesServed % settings.RefreshEveryBatches != 0)
            log?.WriteLine($"warning: resuming between index refreshes (last at batch {lastRefresh}): the index is rebuilt from the restored weights, " +
                           "so the retrieved passages can differ from an uninterrupted run's until the next refresh");
    }

    public void Dispose()
    {
        index?.Dispose();
        frozenTable?.Dispose();
    }
}
