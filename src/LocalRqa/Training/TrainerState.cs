using System.Text.Json.Nodes;
using LocalRqa.Json;

namespace LocalRqa.Training;

/// <summary>
/// HuggingFace Trainer's `trainer_state.json`: progress, best checkpoint and the log history, where each entry is
/// a flat map such as {"step": 10, "epoch": 0.7, "loss": 1.2, "learning_rate": 1e-5, "grad_norm": 3.1} or
/// {"step": 100, "epoch": 7, "eval_retr/document_recall/recall4": 0.8, ...}. Reports and resume read it.
/// </summary>
internal sealed class TrainerState
{
    public const string FileName = "trainer_state.json";

    public int GlobalStep { get; set; }
    public double Epoch { get; set; }
    public int MaxSteps { get; set; }
    public double NumTrainEpochs { get; set; }
    public int LoggingSteps { get; set; }
    public int EvalSteps { get; set; }
    public int SaveSteps { get; set; }
    public int TrainBatchSize { get; set; }
    public string? BestModelCheckpoint { get; set; }
    public double? BestMetric { get; set; }
    /// <summary>rqa: the run was stopped (Ctrl-C, SIGTERM) before <see cref="MaxSteps"/>; its model is not the finished one.</summary>
    public bool StoppedEarly { get; set; }
    public List<Dictionary<string, double>> LogHistory { get; } = [];

    public JsonObject ToJson() => new()
    {
        ["best_metric"] = BestMetric,
        ["best_model_checkpoint"] = BestModelCheckpoint,
        ["epoch"] = Epoch,
        ["eval_steps"] = EvalSteps,
        ["global_step"] = GlobalStep,
        ["is_hyper_param_search"] = false,
        ["is_local_process_zero"] = true,
        ["is_world_process_zero"] = true,
        ["log_history"] = new JsonArray(LogHistory.Select(entry =>
            (JsonNode?)new JsonObject(entry.Select(kv => KeyValuePair.Create(kv.Key, Integral(kv.Key) ? JsonValue.Create((long)kv.Value) : (JsonNode?)JsonValue.Create(kv.Value))))).ToArray()),
        ["logging_steps"] = LoggingSteps,
        ["max_steps"] = MaxSteps,
        ["num_train_epochs"] = NumTrainEpochs,
        ["save_steps"] = SaveSteps,
        ["stopped_early"] = StoppedEarly,
        ["train_batch_size"] = TrainBatchSize,
    };

    public void Save(string path) => JsonFile.Write(path, ToJson());

    /// <summary>Evaluations in the log history (entries with `{prefix}_retr/` metrics), in order.</summary>
    public IReadOnlyList<Dictionary<string, double>> Evaluations(string prefix = "eval") =>
        LogHistory.Where(e => e.Keys.Any(k => k.StartsWith($"{prefix}_retr/", StringComparison.Ordinal))).ToList();

    /// <summary>The evaluation of the base model (step 0), if there was one.</summary>
    public Dictionary<string, double>? BaseEvaluation(string prefix = "eval") =>
        Evaluations(prefix).FirstOrDefault(e => e.TryGetValue("step", out var step) && step == 0);

    /// <summary>
    /// The evaluation of the model that was saved: with <paramref name="bestModelLoaded"/>, the one at the best
    /// checkpoint's step (found by its folder name, not by its metric, which later evaluations may tie); else, or
    /// without a best checkpoint, the last one after step 0.
    /// </summary>
    public Dictionary<string, double>? SavedModelEvaluation(bool bestModelLoaded = true, string prefix = "eval")
    {
        var trained = Evaluations(prefix).Where(e => e.TryGetValue("step", out var step) && step > 0).ToList();
        if (!bestModelLoaded) return trained.LastOrDefault();
        var name = BestModelCheckpoint is null ? null : Path.GetFileName(Path.TrimEndingDirectorySeparator(BestModelCheckpoint));
        if (name is not null && name.StartsWith(TrainingCheckpoints.Prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(TrainingCheckpoints.Prefix.Length), out var bestStep))
            return trained.LastOrDefault(e => e["step"] == bestStep) ?? trained.LastOrDefault();
        return trained.LastOrDefault();
    }

    public static TrainerState Load(string path)
    {
        var json = JsonFile.ReadObject(path);
        var state = new TrainerState
        {
            GlobalStep = (int)(JsonFile.Integer(json["global_step"], path, "global_step") ?? 0),
            Epoch = Number(json["epoch"], path, "epoch") ?? 0,
            MaxSteps = (int)(JsonFile.Integer(json["max_steps"], path, "max_steps") ?? 0),
            NumTrainEpochs = Number(json["num_train_epochs"], path, "num_train_epochs") ?? 0,
            LoggingSteps = (int)(JsonFile.Integer(json["logging_steps"], path, "logging_steps") ?? 0),
            EvalSteps = (int)(JsonFile.Integer(json["eval_steps"], path, "eval_steps") ?? 0),
            SaveSteps = (int)(JsonFile.Integer(json["save_steps"], path, "save_steps") ?? 0),
            TrainBatchSize = (int)(JsonFile.Integer(json["train_batch_size"], path, "train_batch_size") ?? 0),
            BestModelCheckpoint = JsonFile.String(json["best_model_checkpoint"], path, "best_model_checkpoint"),
            BestMetric = Number(json["best_metric"], path, "best_metric"),
            StoppedEarly = json["stopped_early"] is JsonValue stopped && stopped.TryGetValue<bool>(out var early) && early,
        };
        var history = JsonFile.Array(json["log_history"], path, "log_history") ?? [];
        for (var i = 0; i < history.Count; i++)
        {
            var entry = JsonFile.Object(history[i], path, $"log_history[{i}]") ?? throw new RqaException($"{path}: log_history[{i}] is null");
            state.LogHistory.Add(entry.ToDictionary(kv => kv.Key, kv => Number(kv.Value, path, $"log_history[{i}].{kv.Key}") ?? double.NaN));
        }
        return state;
    }

    static bool Integral(string key) => key is "step";

    static double? Number(JsonNode? node, string path, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => throw new RqaException($"{path}: field '{field}' must be a number"),
    };
}
