using LocalRqa.Arguments;
using LocalRqa.Jobs;
using LocalRqa.Logging;
using LocalRqa.Retrieval;
using LocalRqa.Training;
using LocalRqa.Training.Ctl;
using LocalRqa.Training.Dca;
using LocalRqa.Training.Rpg;

namespace LocalRqa.Library;

/// <summary>
/// Trains a retriever in the caller's process from the records that `rqa train ctl|dca|rpg` fills from its flags:
/// <see cref="TrainingArguments"/> (HF's TrainingArguments with LocalRQA's model and data flags), the method's own
/// record, and optionally the fusion flags. The run is the CLI's, file for file: the output folder receives the
/// trained model (a sentence-transformers folder <see cref="EmbeddingModel.Load"/> reads), all_args.json,
/// train.log, trainer_state.json, checkpoints and the reports.
/// </summary>
public static class RetrieverTrainer
{
    /// <summary>
    /// Contrastive learning with in-batch and hard negatives (LocalRQA's CTL, `rqa train ctl`).
    /// </summary>
    /// <param name="training">the shared flags; set at least <see cref="TrainingArguments.OutputDir"/> and
    /// <see cref="TrainingArguments.TrainFile"/> (and <see cref="TrainingArguments.EvalFile"/> with
    /// <see cref="TrainingArguments.FullDatasetFilePath"/> to evaluate)</param>
    /// <param name="ctl">CTL's flags; <c>new CtlArguments()</c> is LocalRQA's defaults</param>
    /// <param name="fusion">the hybrid fusion flags (--hybrid_depth, --fusion, --rrf_k, --hybrid_weight); null: none given</param>
    /// <param name="log">where the run's log lines go (they also go to train.log); null: only to train.log</param>
    /// <param name="cancellation">stops the run after the step in progress, with a checkpoint
    /// (<see cref="TrainingResult.StoppedEarly"/>), as Ctrl-C stops `rqa train`</param>
    /// <exception cref="RqaException">a flag out of range, a missing or malformed input file, an output folder in use or
    /// holding another run, a model that cannot be loaded: what the CLI reports as a one-line error</exception>
    public static TrainingResult TrainCtl(TrainingArguments training, CtlArguments ctl, HybridArguments? fusion = null, TextWriter? log = null,
        CancellationToken cancellation = default) =>
        Run("ctl", training, ctl, fusion, log, cancellation);

    /// <summary>
    /// Distillation of a FiD T5 reader's cross-attention into the retriever (LocalRQA's DCA, `rqa train dca`). Its
    /// training file holds each question's passages (`ctxs`, e.g. from `rqa prepare-ctxs`).
    /// </summary>
    /// <param name="dca">DCA's flags; set at least <see cref="DcaArguments.ReaderModelPath"/></param>
    /// <param name="training">the shared flags (see <see cref="TrainCtl"/>)</param>
    /// <param name="fusion">the hybrid fusion flags; null: none given</param>
    /// <param name="log">where the run's log lines go; null: only to train.log</param>
    /// <param name="cancellation">stops the run after the step in progress, with a checkpoint</param>
    /// <exception cref="RqaException">what the CLI reports as a one-line error (see <see cref="TrainCtl"/>)</exception>
    public static TrainingResult TrainDca(TrainingArguments training, DcaArguments dca, HybridArguments? fusion = null, TextWriter? log = null,
        CancellationToken cancellation = default) =>
        Run("dca", training, dca, fusion, log, cancellation);

    /// <summary>
    /// Distillation of a causal language model's likelihood of the gold answer into the retriever (LocalRQA's RPG /
    /// REPLUG, `rqa train rpg`). Its training file holds questions with answers (`gold_answer`).
    /// </summary>
    /// <param name="rpg">RPG's flags; set at least <see cref="RpgArguments.LmModelPath"/></param>
    /// <param name="training">the shared flags (see <see cref="TrainCtl"/>)</param>
    /// <param name="fusion">the hybrid fusion flags; null: none given</param>
    /// <param name="log">where the run's log lines go; null: only to train.log</param>
    /// <param name="cancellation">stops the run after the step in progress, with a checkpoint</param>
    /// <exception cref="RqaException">what the CLI reports as a one-line error (see <see cref="TrainCtl"/>)</exception>
    public static TrainingResult TrainRpg(TrainingArguments training, RpgArguments rpg, HybridArguments? fusion = null, TextWriter? log = null,
        CancellationToken cancellation = default) =>
        Run("rpg", training, rpg, fusion, log, cancellation);

    static TrainingResult Run(string method, TrainingArguments training, IArgumentRecord methodArguments, HybridArguments? fusion, TextWriter? log,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(methodArguments);
        // The same set the parser fills for the verb (the fusion record included), validated the same way.
        var arguments = ArgumentSet.Create(training, methodArguments, fusion ?? new HybridArguments());
        using var runLog = new RunLog(log ?? TextWriter.Null);
        foreach (var warning in arguments.Warnings) runLog.WriteLine($"warning: {warning}");
        CancellationTokenRegistration registration = default;
        try
        {
            var state = TrainJob.Run(method, arguments, runLog, trainer => registration = cancellation.Register(trainer.RequestStop));
            return TrainingResult.Of(state, training);
        }
        finally
        {
            registration.Dispose();
        }
    }
}
