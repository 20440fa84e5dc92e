using System.Text.Json.Nodes;
using LocalRqa.Data.Dca;
using LocalRqa.Encoders;
using LocalRqa.Logging;
using LocalRqa.Losses;
using LocalRqa.Training.Batches;
using LocalRqa.Training.Ctl;
using static TorchSharp.torch;

namespace LocalRqa.Training.Dca;

/// <summary>
/// DCA's objective (Izacard &amp; Grave 2021; LocalRQA's FidRetrieverTrainer.compute_loss): per batch of questions, the
/// question embeddings and the embeddings of each question's scored ctxs, scores q·p/√d (<see cref="DcaLoss.Scores"/>),
/// and KL from softmax(crossattention_score / T) (<see cref="DcaLoss.Compute"/>). The retriever reads the texts as LocalRQA's
/// FidDataset hands them to it: <c>question: {q}</c> and <c>title: {title} context: {text}</c>. The data order is CTL's
/// seeded per-epoch shuffle, so (seed, epoch, position) is the whole resumable state.
/// </summary>
internal sealed class DcaObjective : ITrainingObjective
{
    readonly IReadOnlyList<DcaQuestion> questions;
    readonly int batchSize;
    readonly int seed;
    readonly double readerTemperature;
    readonly int textMaxlength;
    readonly bool applyQuestionMask, applyPassageMask, extractCls;
    readonly RunLog? log;
    int epoch, position;
    bool warnedShort;

    public DcaObjective(SentenceEncoder encoder, IReadOnlyList<DcaQuestion> questions, DcaObjectiveSettings options, RunLog? log = null)
    {
        var batchSize = options.BatchSize;
        var seed = options.Seed;
        if (questions.Count == 0) throw new RqaException("the training file has no questions with ctxs");
        if (questions.FirstOrDefault(q => !q.IsScored || q.Contexts.Count == 0) is { } bad)
            throw new ArgumentException($"question {bad.Id} has no ctxs or ctxs without crossattention_score");
        if (batchSize < 1) throw new ArgumentException($"per_device_train_batch_size must be at least 1, got {batchSize}");
        Encoder = encoder;
        this.questions = questions;
        this.batchSize = Math.Min(batchSize, questions.Count);
        if (batchSize > questions.Count)
            log?.WriteLine($"warning: --per_device_train_batch_size {batchSize} is larger than the {questions.Count} training questions; batches hold {questions.Count}");
        this.seed = seed;
        readerTemperature = options.ReaderTemperature;
        textMaxlength = options.TextMaxlength;
        applyQuestionMask = options.ApplyQuestionMask;
        applyPassageMask = options.ApplyPassageMask;
        extractCls = options.ExtractCls;
        this.log = log;
    }

    public string Name => "dca";
    public SentenceEncoder Encoder { get; }
    public int BatchesPerEpoch => (questions.Count + batchSize - 1) / batchSize;
    public double Epoch => epoch + (double)position / questions.Count;

    public static string QuestionText(DcaQuestion question) => $"question: {question.Question}";

    public static string PassageText(DcaContext context) => $"title: {context.Title} context: {context.Text}";

    /// <summary>The questions of the next batch (epoch order = <see cref="QuestionBatchLoader.Shuffle"/>), advancing the position.</summary>
    IReadOnlyList<DcaQuestion> NextBatch()
    {
        if (position >= questions.Count) (epoch, position) = (epoch + 1, 0);
        var order = QuestionBatchLoader.Shuffle(questions.Count, seed, epoch);
        var end = Math.Min(position + batchSize, questions.Count);
        var batch = order[position..end].Select(i => questions[i]).ToList();
        position = end;
        return batch;
    }

    public double AccumulateGradients(double scale)
    {
        var batch = NextBatch();
        // The loss needs a [B, n] block: a batch uses as many ctxs as its shortest question has.
        var n = batch.Min(q => q.Contexts.Count);
        if (batch.Any(q => q.Contexts.Count > n) && !warnedShort)
        {
            warnedShort = true;
            log?.WriteLine($"warning: a batch mixes questions with different numbers of ctxs; each batch uses as many as its shortest question has ({n} here)");
        }
        using var scope = NewDisposeScope();
        var questionTokens = Encoder.Tokenize(batch.Select(QuestionText).ToList(), PromptKind.Query, textMaxlength);
        var passageTokens = Encoder.Tokenize(batch.SelectMany(q => q.Contexts.Take(n).Select(PassageText)).ToList(), PromptKind.Passage, textMaxlength);
        using var questionBatch = TokenBatch.Create(questionTokens, Encoder.Tokenizer.PadTokenId);
        // Unmasked passages are averaged over their padding too, so pad them to text_maxlength as LocalRQA does.
        using var passageBatch = TokenBatch.Create(passageTokens, Encoder.Tokenizer.PadTokenId, applyPassageMask ? null : textMaxlength);
        var q = DcaEmbedder.Embed(Encoder, questionBatch, applyQuestionMask, extractCls); // [B, D]
        var p = DcaEmbedder.Embed(Encoder, passageBatch, applyPassageMask, extractCls).view(batch.Count, n, -1); // [B, n, D]
        var target = tensor(batch.SelectMany(x => x.Contexts.Take(n).Select(c => (float)c.CrossAttentionScore!.Value)).ToArray())
            .view(batch.Count, n); // [B, n]
        var loss = DcaLoss.Compute(DcaLoss.Scores(q, p), target, readerTemperature);
        (loss * scale).backward();
        return loss.item<float>();
    }

    public JsonObject SaveState() => new QuestionLoaderState(seed, epoch, position).ToJson();

    public void RestoreState(JsonObject state)
    {
        (_, epoch, position) = QuestionLoaderState.FromJson(state, seed);
        if (epoch < 0 || position < 0 || position > questions.Count)
            throw new RqaException($"objective_state.json: position {position} of epoch {epoch} does not fit the {questions.Count} training questions");
    }
}
