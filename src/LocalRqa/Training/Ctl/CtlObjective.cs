using System.Text.Json.Nodes;
using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Training.Batches;
using LocalRqa.Training.GradCache;

namespace LocalRqa.Training.Ctl;

/// <summary>
/// LocalRQA's CTL objective: in-batch contrastive learning with sampled hard negatives (see
/// <see cref="CtlBatchBuilder"/> and <see cref="ContrastiveLoss"/>), optionally through GradCache so a large
/// batch fits in memory. The data position (seed, epoch, position) is its whole resumable state.
/// </summary>
internal sealed class CtlObjective : ITrainingObjective
{
    readonly QuestionBatchLoader loader;
    readonly CtlBatchBuilder builder;
    readonly double temperature;
    readonly ContrastiveSimilarity similarity;
    readonly int gradCacheChunkSize;
    readonly int? maxLength;
    readonly RunLog? log;
    QuestionLoaderState position;
    bool warnedMissingNegatives;

    public CtlObjective(SentenceEncoder encoder, IReadOnlyList<RetrievalExample> examples, CtlObjectiveSettings settings, RunLog? log = null)
    {
        if (examples.Count == 0) throw new RqaException("the training file has no questions");
        Encoder = encoder;
        var batchSize = settings.BatchSize;
        loader = new QuestionBatchLoader(examples, Math.Min(batchSize, examples.Count), settings.Seed);
        if (batchSize > examples.Count)
            log?.WriteLine($"warning: --per_device_train_batch_size {batchSize} is larger than the {examples.Count} training questions; batches hold {examples.Count}");
        builder = new CtlBatchBuilder(settings.HardNegRatio, settings.MaskFalseNegatives);
        temperature = settings.Temperature;
        similarity = settings.Similarity;
        gradCacheChunkSize = settings.GradCacheChunkSize;
        maxLength = settings.MaxLength;
        this.log = log;
        position = loader.Start;
    }

    public string Name => "ctl";
    public SentenceEncoder Encoder { get; }
    public int BatchesPerEpoch => loader.BatchesPerEpoch;
    public double Epoch => position.Epoch + (double)position.Position / loader.Count;

    public double AccumulateGradients(double scale)
    {
        var next = loader.Remaining(position).FirstOrDefault() ?? loader.Remaining(position = position with { Epoch = position.Epoch + 1, Position = 0 }).First();
        var batch = builder.Build(next.Examples, next.SamplingRandom());
        position = next.Next;
        if (batch.MissingHardNegatives > 0 && !warnedMissingNegatives)
        {
            warnedMissingNegatives = true;
            log?.WriteLine($"warning: a batch had {batch.MissingHardNegatives} fewer hard negatives than asked (its questions have too few hard_neg_docs); training goes on with fewer");
        }
        var queries = Encoder.Tokenize(batch.Queries, PromptKind.Query, maxLength);
        var candidates = Encoder.Tokenize(batch.CandidateTexts, PromptKind.Passage, maxLength);
        using var mask = batch.MaskTensor();
        EmbeddingLoss loss = (q, d) => ContrastiveLoss.Compute(q, d, temperature, similarity, mask) * scale;
        var value = gradCacheChunkSize > 0
            ? GradCacheStep.Run(Encoder, queries, candidates, loss, gradCacheChunkSize)
            : PlainStep.Run(Encoder, queries, candidates, loss);
        return value / scale;
    }

    public JsonObject SaveState() => position.ToJson();

    public void RestoreState(JsonObject state) => position = QuestionLoaderState.FromJson(state, loader.Seed);
}
