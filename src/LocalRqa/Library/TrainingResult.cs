using LocalRqa.Training;

namespace LocalRqa.Library;

/// <summary>
/// What a training run (<see cref="RetrieverTrainer"/>) ended with: where the model is, how far it trained, and its
/// evaluations. Metric names are LocalRQA's with the `eval` prefix (`eval_retr/document_recall/recall4`), as in
/// trainer_state.json; the values are those of trainer_state.json's `log_history`.
/// </summary>
public sealed class TrainingResult
{
    TrainingResult(string outputDir, TrainerState state, bool loadBestModelAtEnd)
    {
        OutputDir = outputDir;
        GlobalStep = state.GlobalStep;
        StoppedEarly = state.StoppedEarly;
        BestModelCheckpoint = state.BestModelCheckpoint;
        BestMetric = state.BestMetric;
        LogHistory = [.. state.LogHistory.Select(entry => (IReadOnlyDictionary<string, double>)new Dictionary<string, double>(entry))];
        BaseEvaluation = state.BaseEvaluation();
        SavedModelEvaluation = state.SavedModelEvaluation(loadBestModelAtEnd);
    }

    internal static TrainingResult Of(TrainerState state, TrainingArguments arguments) => new(arguments.OutputDir, state, arguments.LoadBestModelAtEnd);

    /// <summary>
    /// The run's output folder (--output_dir), which holds the trained model as a sentence-transformers folder
    /// (<see cref="EmbeddingModel.Load"/>, or `rqa test-retriever --embedding_model_name_or_path`). With
    /// <see cref="TrainingArguments.DoTrain"/> false nothing is trained and it holds the evaluation only.
    /// </summary>
    public string OutputDir { get; }

    /// <summary>Optimizer steps taken (0 when nothing was trained).</summary>
    public int GlobalStep { get; }

    /// <summary>The run was stopped (the cancellation token) before its last step; the saved model is the one at the stop.</summary>
    public bool StoppedEarly { get; }

    /// <summary>The checkpoint folder with the best <see cref="TrainingArguments.MetricForBestModel"/>, if evaluation picked one.</summary>
    public string? BestModelCheckpoint { get; }

    /// <summary>That checkpoint's value of <see cref="TrainingArguments.MetricForBestModel"/>.</summary>
    public double? BestMetric { get; }

    /// <summary>The base model's evaluation (step 0), if the run evaluated; null otherwise.</summary>
    public IReadOnlyDictionary<string, double>? BaseEvaluation { get; }

    /// <summary>The evaluation of the model that was saved (the best checkpoint's, or the last), if the run evaluated after step 0.</summary>
    public IReadOnlyDictionary<string, double>? SavedModelEvaluation { get; }

    /// <summary>
    /// Every logged entry in order, as trainer_state.json's `log_history`: training entries (`step`, `epoch`, `loss`,
    /// `learning_rate`, `grad_norm`) and evaluations (`step` and the `eval_retr/...` metrics).
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> LogHistory { get; }
}
