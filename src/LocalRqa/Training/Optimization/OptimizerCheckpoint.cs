using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Json;
using static TorchSharp.torch;

namespace LocalRqa.Training.Optimization;

/// <summary>
/// Optimizer and scheduler state of a checkpoint (HF's optimizer.pt and scheduler.pt), as
/// optimizer.safetensors with "{parameter}.exp_avg" and "{parameter}.exp_avg_sq" in float32, and
/// optimizer.json with each parameter's AdamW step count, the completed optimizer steps and the schedule.
/// The schedule is a pure function of the step, so the step count is its whole state.
/// </summary>
internal static class OptimizerCheckpoint
{
    public const string TensorsFile = "optimizer.safetensors";
    public const string StateFile = "optimizer.json";
    const string Format = "rqa-adamw-1";

    public static void Save(string directory, AdamWOptimizer optimizer, LearningRateSchedule schedule, long completedSteps)
    {
        var tensors = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var steps = new JsonObject();
        foreach (var (name, state) in optimizer.States())
        {
            tensors[name + ".exp_avg"] = ToHost(state.exp_avg);
            tensors[name + ".exp_avg_sq"] = ToHost(state.exp_avg_sq);
            steps[name] = state.step;
        }
        Directory.CreateDirectory(directory);
        SafetensorsFile.Write(Path.Combine(directory, TensorsFile), tensors, new Dictionary<string, string> { ["format"] = Format });
        var settings = optimizer.Settings;
        JsonFile.Write(Path.Combine(directory, StateFile), new JsonObject
        {
            ["format"] = Format,
            ["completed_steps"] = completedSteps,
            ["scheduler"] = new JsonObject
            {
                ["type"] = LearningRateSchedule.Name(schedule.Kind),
                ["warmup_steps"] = schedule.WarmupSteps,
                ["training_steps"] = schedule.TrainingSteps,
            },
            // Recorded for the reader; a resumed run keeps the hyperparameters it was started with.
            ["adamw"] = new JsonObject
            {
                ["lr"] = settings.LearningRate, ["weight_decay"] = settings.WeightDecay,
                ["beta1"] = settings.Beta1, ["beta2"] = settings.Beta2, ["eps"] = settings.Epsilon,
            },
            ["steps"] = steps,
        });
    }

    /// <summary>Restores every parameter's moments and step count into <paramref name="optimizer"/>, which must train the same parameters.</summary>
    public static OptimizerResumeState Load(string directory, AdamWOptimizer optimizer)
    {
        var statePath = Path.Combine(directory, StateFile);
        var root = JsonFile.ReadObject(statePath);
        if (JsonFile.String(root["format"], statePath, "format") != Format)
            throw new RqaException($"{statePath}: not an rqa optimizer state (format must be {Format})");
        var completed = Required(JsonFile.Integer(root["completed_steps"], statePath, "completed_steps"), statePath, "completed_steps");
        var scheduler = JsonFile.Object(root["scheduler"], statePath, "scheduler") ?? throw Missing(statePath, "scheduler");
        var schedule = new LearningRateSchedule(
            LearningRateSchedule.ParseKind(JsonFile.String(scheduler["type"], statePath, "scheduler.type") ?? throw Missing(statePath, "scheduler.type")),
            Required(JsonFile.Integer(scheduler["warmup_steps"], statePath, "scheduler.warmup_steps"), statePath, "scheduler.warmup_steps"),
            Required(JsonFile.Integer(scheduler["training_steps"], statePath, "scheduler.training_steps"), statePath, "scheduler.training_steps"));
        var steps = JsonFile.Object(root["steps"], statePath, "steps") ?? throw Missing(statePath, "steps");

        var tensorsPath = Path.Combine(directory, TensorsFile);
        var file = SafetensorsFile.Open(tensorsPath);
        var states = optimizer.States();
        var unknown = steps.Select(kv => kv.Key).Where(name => !states.ContainsKey(name)).ToList();
        if (unknown.Count > 0)
            throw new RqaException($"{statePath}: state for parameters the model does not train: {string.Join(", ", unknown.Take(5))}");
        foreach (var (name, state) in states)
        {
            var step = JsonFile.Integer(steps[name], statePath, $"steps.{name}") ?? throw Missing(statePath, $"steps.{name}");
            CopyInto(state.exp_avg, file, name + ".exp_avg", tensorsPath);
            CopyInto(state.exp_avg_sq, file, name + ".exp_avg_sq", tensorsPath);
            state.step = step;
        }
        return new OptimizerResumeState(completed, schedule);
    }

    static HostTensor ToHost(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return HostTensor.FromFloats(values, tensor.shape);
    }

    static void CopyInto(Tensor target, SafetensorsFile file, string name, string path)
    {
        if (!file.Names.Contains(name)) throw new RqaException($"{path}: no tensor '{name}'");
        var stored = file.Read(name);
        if (!stored.Shape.SequenceEqual(target.shape))
            throw new RqaException($"{path}: '{name}' has shape [{string.Join(", ", stored.Shape)}] but the parameter has [{string.Join(", ", target.shape)}]");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        target.copy_(tensor(stored.ToFloats(), stored.Shape));
    }

    static long Required(long? value, string path, string field) => value ?? throw Missing(path, field);

    static RqaException Missing(string path, string field) => new($"{path}: field '{field}' is missing");
}
