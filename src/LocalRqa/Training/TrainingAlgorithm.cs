using LocalRqa.Data;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Preflight;
using LocalRqa.Retrieval;

namespace LocalRqa.Training;

/// <summary>
/// What one training method (CTL, DCA, RPG) contributes to a <see cref="TrainingRun"/>: its arguments, its data, its
/// objective with its teacher, its similarity and its report fields. Everything else (output folder, log, models,
/// evaluation, the loop, checkpoints, reports, BM25, the test file) is the run's, the same for every method.
/// </summary>
internal abstract class TrainingAlgorithm : IDisposable
{
    /// <summary>The model card's one-line name of the method.</summary>
    public abstract string Description { get; }

    /// <summary>How the encoder is loaded, for training and for `--do_train false`.</summary>
    public abstract EncoderOverrides EncoderOverrides(TrainingRun run);

    /// <summary>How evaluation compares embeddings of the loaded (or trained) encoder.</summary>
    public abstract Similarity EvaluationSimilarity(SentenceEncoder encoder);

    /// <summary>Whether the method needs the document database besides evaluation (mining, ctx preparation, retrieval).</summary>
    public virtual bool NeedsDocuments => false;

    /// <summary>Reads and checks what can be checked before `--output_dir` is touched (files, the teacher's config).</summary>
    public virtual void CheckInputs(TrainingRun run) { }

    /// <summary>
    /// The method's models (a teacher, a retriever for its ctxs) and the files it will write, checked in the run's
    /// pre-flight: before anything is written, scored or trained.
    /// </summary>
    public virtual void Preflight(RunPreflight preflight, TrainingRun run) { }

    /// <summary>Loads the training data once the output folder and the log are ready; returns the number of training questions.</summary>
    public abstract int LoadTrainingData(TrainingRun run);

    /// <summary>The eval questions (a method may accept files beside LocalRQA's).</summary>
    public virtual IReadOnlyList<RetrievalExample> ReadEvalQuestions(TrainingRun run, DocumentCollection documents) =>
        RetrievalDataReader.Read(run.Args.EvalFile!, run.Log);

    /// <summary>Adjusts the loaded encoder before training: what the saved model says about itself, a projection, lengths.</summary>
    public virtual void Configure(SentenceEncoder encoder, TrainingRun run) { }

    /// <summary>The objective (with its teacher) over the loaded training data.</summary>
    public abstract ITrainingObjective CreateObjective(SentenceEncoder encoder, TrainingRun run);

    /// <summary>
    /// The passage index that evaluation of the model at <paramref name="step"/> searches, with a description for the
    /// log, when it is not the database embedded anew by that model: an index the method already built for the same
    /// model, or the one it trains the questions against. The method keeps owning it.
    /// </summary>
    public virtual (IVectorIndex Index, string Description)? EvaluationIndex(int step) => null;

    /// <summary>What the method reports after training (teacher statistics, notes for deployment).</summary>
    public virtual void AfterTraining(TrainingRun run) { }

    /// <summary>The method's settings as the model card lists them.</summary>
    public abstract IReadOnlyDictionary<string, object?> ReportFields(SentenceEncoder encoder);

    /// <summary>What a user must know before using the saved model, if anything.</summary>
    public virtual string? UsageNote(TrainingRun run) => null;

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
