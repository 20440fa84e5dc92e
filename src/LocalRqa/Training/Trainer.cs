using System.Diagnostics;
using LocalRqa.Checkpoints;
using LocalRqa.Encoders;
using LocalRqa.Evaluation;
using LocalRqa.Files;
using LocalRqa.Logging;
using LocalRqa.Modeling.Bert;
using LocalRqa.Training.Optimization;
using LocalRqa.Training.Reports;
using static TorchSharp.torch;

namespace LocalRqa.Training;

/// <summary>
/// The training loop every trainer shares (HF Trainer's behaviour where LocalRQA relies on it): AdamW with
/// HF's weight-decay groups, warmup and schedule, gradient accumulation and clipping, periodic logging,
/// evaluation through the retriever evaluator, checkpoints with rotation and best-model tracking, resume, and
/// one dispose scope per step so native memory stays flat.
/// </summary>
internal sealed class Trainer(TrainerSettings settings, ITrainingObjective objective, Func<SentenceEncoder, int, RetrieverEvaluation>? evaluate, RunLog log)
{
    volatile bool stopRequested;

    volatile int stopAt = int.MaxValue;

    /// <summary>Asks the loop to stop after the current step (it saves a checkpoint first): Ctrl-C.</summary>
    public void RequestStop() => stopRequested = true;

    /// <summary>Stops (with a checkpoint) once this step is done, as if interrupted there.</summary>
    public void RequestStopAt(int step) => stopAt = step;

    public TrainerState State { get; } = new();
    public TrainerSettings Settings => settings;

    /// <summary>Reports (step, total steps, last loss) after each optimizer step.</summary>
    public IProgress<(int Step, int Total, double Loss)>? Progress { get; set; }

    /// <param name="results">where the saved model and trainer_state.json are staged, to appear with the run's other
    /// results; null: they are moved into the output folder when training ends</param>
    public TrainerState Train(ResultFiles? results = null)
    {
        var encoder = objective.Encoder;
        var accumulation = Math.Max(1, settings.GradientAccumulationSteps);
        var totalSteps = settings.MaxSteps > 0
            ? settings.MaxSteps
            : (int)Math.Ceiling(settings.NumTrainEpochs * objective.BatchesPerEpoch / accumulation);
        if (totalSteps < 1) throw new RqaException("nothing to train: max_steps and num_train_epochs give no steps");
        var schedule = new LearningRateSchedule(settings.Schedule,
            LearningRateSchedule.ComputeWarmupSteps(totalSteps, settings.WarmupSteps, settings.WarmupRatio), totalSteps);
        using var optimizer = AdamWOptimizer.Create(encoder.TrainableModules(), new AdamWSettings(settings.LearningRate, settings.WeightDecay));
        var checkpoints = new TrainingCheckpoints(settings.OutputDir);
        State.MaxSteps = totalSteps;
        State.LoggingSteps = settings.LoggingSteps;
        State.EvalSteps = settings.EvalSteps;
        State.SaveSteps = settings.SaveSteps;
        State.TrainBatchSize = settings.TrainBatchSize;
        State.NumTrainEpochs = settings.NumTrainEpochs;

        using var tensorBoard = settings.TensorBoardDir is { } boardDir ? new TensorBoardWriter(boardDir) : null;
        board = tensorBoard;
        var start = 0;
        if (settings.ResumeFromLatest)
            start = Resume(checkpoints.Latest() ?? throw new RqaException($"--resume_from_checkpoint true: {settings.OutputDir} has no checkpoint to resume from"), optimizer);
        else if (settings.ResumeFromCheckpoint is { } resume)
            start = Resume(resume, optimizer);
        else
        {
            TrainingSeed.Apply(settings.Seed);
            if (settings.EvaluateAtStart && evaluate != null) Evaluate(0);
        }
        log.WriteLine($"training {objective.Name}: {totalSteps} steps from step {start}, {objective.BatchesPerEpoch} batches per epoch, " +
                      $"accumulation {accumulation}, lr {settings.LearningRate} ({LearningRateSchedule.Name(settings.Schedule)}, warmup {schedule.WarmupSteps})");

        double lossSum = 0, gradNormSum = 0;
        var lossCount = 0;
        var clock = Stopwatch.StartNew();
        var lastEvaluated = -1;
        for (var step = start; step < totalSteps; step++)
        {
            double loss = 0, gradNorm;
            using (var scope = NewDisposeScope())
            {
                encoder.Train(true);
                optimizer.ZeroGrad();
                for (var micro = 0; micro < accumulation; micro++) loss += objective.AccumulateGradients(1.0 / accumulation);
                loss /= accumulation;
                if (!double.IsFinite(loss))
                    throw new RqaException($"the loss became {loss} at step {step + 1}; stopping (the last good checkpoint is kept" +
                                           (checkpoints.Latest() is { } last ? $": {last})" : ")") + "; try a lower --learning_rate");
                gradNorm = settings.MaxGradNorm > 0 ? GradientClipping.ClipGradNorm(encoder.Parameters(), settings.MaxGradNorm) : double.NaN;
                optimizer.SetLearningRate(schedule.LearningRate(settings.LearningRate, step));
                optimizer.Step();
            }
            var done = step + 1;
            State.GlobalStep = done;
            State.Epoch = objective.Epoch;
            lossSum += loss;
            gradNormSum += gradNorm;
            lossCount++;
            Progress?.Report((done, totalSteps, loss));

            if (settings.LoggingSteps > 0 && done % settings.LoggingSteps == 0 || done == totalSteps)
            {
                var entry = new Dictionary<string, double>
                {
                    ["loss"] = lossSum / lossCount,
                    ["learning_rate"] = schedule.LearningRate(settings.LearningRate, step),
                    ["epoch"] = State.Epoch,
                    ["step"] = done,
                };
                if (settings.MaxGradNorm > 0) entry["grad_norm"] = gradNormSum / lossCount;
                Record(entry);
                log.WriteLine($"step {done}/{totalSteps}: loss {entry["loss"]:F4}, lr {entry["learning_rate"]:E2}, " +
                              $"epoch {State.Epoch:F2}, {done - start} steps in {clock.Elapsed.TotalSeconds:F0} s");
                lossSum = gradNormSum = 0;
                lossCount = 0;
            }
            var evaluateNow = evaluate != null && (settings.EvalSteps > 0 && done % settings.EvalSteps == 0 || done == totalSteps);
            if (evaluateNow)
            {
                Evaluate(done);
                lastEvaluated = done;
            }
            if (done >= stopAt) stopRequested = true;
            if (settings.SaveSteps > 0 && done % settings.SaveSteps == 0 || done == totalSteps || stopRequested)
                SaveCheckpoint(done, checkpoints, optimizer, schedule, lastEvaluated == done);
            if (stopRequested)
            {
                if (done < totalSteps) State.StoppedEarly = true;
                log.WriteLine($"{(done < totalSteps ? "stopped early" : "stopped")} at step {done} of {totalSteps} on request; " +
                              $"resume with --resume_from_checkpoint {checkpoints.PathOf(done)}");
                break;
            }
        }
        using var own = results is null ? new ResultFiles() : null;
        var final = results ?? own!;
        FinishBestModel(final.StagingFolder(settings.OutputDir));
        State.Save(final.Stage(Path.Combine(settings.OutputDir, TrainerState.FileName)));
        own?.Commit();
        return State;
    }

    void Evaluate(int step)
    {
        var evaluation = evaluate!(objective.Encoder, step);
        var entry = evaluation.Scores.Where(kv => !kv.Key.Contains("_ci95_")).ToDictionary(kv => kv.Key, kv => kv.Value);
        entry["epoch"] = State.Epoch;
        entry["step"] = step;
        Record(entry);
        PredictionsFile.Write(Path.Combine(settings.OutputDir, $"step-{step}-predictions.jsonl"), evaluation.Predictions);
        var key = settings.MetricForBestModel;
        log.WriteLine($"eval at step {step}: " + string.Join(", ", new[] { "eval_retr/document_recall/recall1", "eval_retr/document_recall/recall4", key }
            .Distinct().Where(entry.ContainsKey).Select(k => $"{k} {entry[k]:F4}")));
        if (!entry.ContainsKey(key))
            throw new RqaException($"--metric_for_best_model {key} is not among the evaluation's metrics (e.g. eval_retr/document_recall/recall4)");
        pendingMetric = entry[key];
    }

    double? pendingMetric;

    TensorBoardWriter? board;

    void Record(Dictionary<string, double> entry)
    {
        State.LogHistory.Add(entry);
        if (board != null)
            foreach (var (key, value) in entry.Where(kv => kv.Key != "step"))
                board.AddScalar(key.StartsWith("eval_", StringComparison.Ordinal) ? key : $"train/{key}", value, (long)entry["step"]);
        if (settings.ReportJsonlPath is { } path)
            File.AppendAllText(path, new System.Text.Json.Nodes.JsonObject(entry.Select(kv =>
                KeyValuePair.Create(kv.Key, (System.Text.Json.Nodes.JsonNode?)System.Text.Json.Nodes.JsonValue.Create(kv.Value)))).ToJsonString() + "\n");
    }

    void SaveCheckpoint(int step, TrainingCheckpoints checkpoints, AdamWOptimizer optimizer, LearningRateSchedule schedule, bool evaluatedNow)
    {
        var path = checkpoints.Save(step, objective, optimizer, schedule, State);
        if (evaluatedNow && pendingMetric is { } metric)
        {
            var better = State.BestMetric is not { } best || (settings.GreaterIsBetter ? metric > best : metric < best);
            if (better)
            {
                State.BestMetric = metric;
                State.BestModelCheckpoint = path;
                log.WriteLine($"new best {settings.MetricForBestModel} = {metric:F4} at {path}");
            }
        }
        // The saved trainer_state.json must know the best checkpoint, for resume and for rotation.
        State.Save(Path.Combine(path, TrainerState.FileName));
        checkpoints.Rotate(settings.SaveTotalLimit, State.BestModelCheckpoint);
        log.WriteLine($"saved {path}");
    }

    int Resume(string checkpoint, AdamWOptimizer optimizer)
    {
        if (!Directory.Exists(checkpoint)) throw new RqaException($"--resume_from_checkpoint {checkpoint}: no such checkpoint folder");
        var saved = TrainerState.Load(Path.Combine(checkpoint, TrainerState.FileName));
        objective.Encoder.LoadWeights(checkpoint);
        OptimizerCheckpoint.Load(checkpoint, optimizer);
        TrainingCheckpoints.RestoreRandomState(checkpoint);
        objective.RestoreState(TrainingCheckpoints.ReadObjectiveState(checkpoint));
        State.LogHistory.AddRange(saved.LogHistory);
        State.BestMetric = saved.BestMetric;
        State.BestModelCheckpoint = saved.BestModelCheckpoint;
        State.GlobalStep = saved.GlobalStep;
        State.Epoch = saved.Epoch;
        log.WriteLine($"resumed from {checkpoint} at step {saved.GlobalStep}");
        return saved.GlobalStep;
    }

    /// <summary>
    /// The best checkpoint's weights become the model (with `--load_best_model_at_end`, else the last step's stay),
    /// saved into <paramref name="staging"/>, whose entries become the output folder's root.
    /// </summary>
    void FinishBestModel(string staging)
    {
        var encoder = objective.Encoder;
        if (!settings.LoadBestModelAtEnd)
            log.WriteLine($"saving the model of the last step, {State.GlobalStep} (--load_best_model_at_end false)");
        else if (State.BestModelCheckpoint is { } best && Directory.Exists(best))
        {
            encoder.LoadWeights(best);
            log.WriteLine($"best model: {best} ({settings.MetricForBestModel} = {State.BestMetric:F4})");
        }
        // Save replaces the whole folder, so the model is the first result staged in it.
        encoder.Save(staging);
        log.WriteLine($"saved the model to {settings.OutputDir}");
    }
}
