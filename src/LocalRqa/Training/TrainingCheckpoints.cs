using System.Text.Json.Nodes;
using LocalRqa.Checkpoints;
using LocalRqa.Json;
using LocalRqa.Training.Optimization;

namespace LocalRqa.Training;

/// <summary>
/// `checkpoint-N/` folders: the model as a HuggingFace + sentence-transformers folder, the optimizer and
/// schedule state, trainer_state.json and the objective's data position. Each is written into a temporary
/// sibling and renamed, so a killed save leaves the earlier checkpoints intact; old ones are rotated away
/// beyond the limit, never the best.
/// </summary>
internal sealed class TrainingCheckpoints(string outputDir)
{
    public const string Prefix = "checkpoint-";
    public const string ObjectiveStateFile = "objective_state.json";
    public const string RandomStateFile = "rng_state.safetensors";

    public string PathOf(int step) => Path.Combine(outputDir, $"{Prefix}{step}");

    public string Save(int step, ITrainingObjective objective, AdamWOptimizer optimizer, LearningRateSchedule schedule, TrainerState state)
    {
        var final = PathOf(step);
        var staging = $"{final}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        try
        {
            objective.Encoder.Save(staging);
            OptimizerCheckpoint.Save(staging, optimizer, schedule, step);
            JsonFile.Write(Path.Combine(staging, ObjectiveStateFile), objective.SaveState());
            state.Save(Path.Combine(staging, TrainerState.FileName));
            SaveRandomState(Path.Combine(staging, RandomStateFile));
            PauseForKillTest(staging);
            if (Directory.Exists(final)) Directory.Delete(final, true);
            Directory.Move(staging, final);
        }
        catch (Exception e)
        {
            // Whatever stopped the save (a full disk surfaces as an RqaException from the file writers), the half-written
            // folder goes; the earlier checkpoints stay as they are.
            DeleteQuietly(staging);
            var cause = e.GetBaseException();
            if (cause is IOException or UnauthorizedAccessException) throw new RqaException($"{final}: cannot write the checkpoint: {cause.Message}", e);
            throw;
        }
        return final;
    }

    static void DeleteQuietly(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// For the test that kills a run in the middle of a save: RQA_TEST_CHECKPOINT_SAVE_DELAY_MS holds the save, its
    /// files written but not yet renamed into place, long enough to kill the process there.
    /// </summary>
    static void PauseForKillTest(string staging)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("RQA_TEST_CHECKPOINT_SAVE_DELAY_MS"), out var delay) || delay <= 0) return;
        Console.Error.WriteLine($"checkpoint save in progress: {staging}");
        Thread.Sleep(delay);
    }

    /// <summary>Checkpoint steps present, oldest first (temporary folders of interrupted saves are ignored).</summary>
    public IReadOnlyList<int> Steps() =>
        Directory.Exists(outputDir)
            ? Directory.GetDirectories(outputDir, Prefix + "*")
                .Select(d => Path.GetFileName(d)[Prefix.Length..])
                .Select(s => int.TryParse(s, out var n) ? n : -1).Where(n => n >= 0).Order().ToList()
            : [];

    /// <summary>Deletes the oldest checkpoints beyond <paramref name="limit"/>, keeping the best one.</summary>
    public void Rotate(int limit, string? best)
    {
        if (limit < 1) return;
        var steps = Steps();
        var keep = steps.TakeLast(limit).Select(PathOf).ToHashSet();
        if (best != null) keep.Add(Path.GetFullPath(best));
        foreach (var step in steps)
        {
            var path = PathOf(step);
            if (!keep.Contains(path) && !keep.Contains(Path.GetFullPath(path))) Directory.Delete(path, true);
        }
    }

    /// <summary>The newest complete checkpoint, for `--resume_from_checkpoint true`.</summary>
    public string? Latest() => Steps().Select(PathOf).LastOrDefault(p => File.Exists(Path.Combine(p, TrainerState.FileName)));

    /// <summary>libtorch's CPU generator (dropout), so a resumed run draws the masks the uninterrupted one would.</summary>
    static void SaveRandomState(string path)
    {
        using var state = TorchSharp.torch.random.get_rng_state();
        var bytes = state.data<byte>().ToArray();
        SafetensorsFile.Write(path, new Dictionary<string, HostTensor> { ["cpu"] = new(StoredDType.U8, [bytes.Length], bytes) });
    }

    public static void RestoreRandomState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, RandomStateFile);
        if (!File.Exists(path)) throw new RqaException($"{checkpoint}: {RandomStateFile} is missing; the checkpoint is incomplete");
        var bytes = SafetensorsFile.Open(path).Read("cpu").Data;
        using var state = TorchSharp.torch.tensor(bytes, TorchSharp.torch.ScalarType.Byte);
        TorchSharp.torch.random.set_rng_state(state);
    }

    public static JsonObject ReadObjectiveState(string checkpoint) => JsonFile.ReadObject(Path.Combine(checkpoint, ObjectiveStateFile));
}
