using LocalRqa.Training;

namespace LocalRqa.Tests.Training.Reports;

/// <summary>A run of 20 training logs (every 5 steps) and 3 evaluations (steps 0, 50, 100), as the Trainer writes them.</summary>
static class SyntheticTrainerState
{
    public const string Recall4 = "eval_retr/document_recall/recall4";

    public static TrainerState Create()
    {
        var state = new TrainerState { GlobalStep = 100, MaxSteps = 100, LoggingSteps = 5, EvalSteps = 50 };
        for (var i = 0; i < 3; i++) state.LogHistory.Add(Eval(step: i * 50, progress: i / 2.0));
        for (var i = 1; i <= 20; i++)
        {
            var step = i * 5;
            state.LogHistory.Add(new Dictionary<string, double>
            {
                ["step"] = step,
                ["epoch"] = step / 25.0,
                ["loss"] = 2.0 * Math.Exp(-step / 40.0) + 0.1,
                ["learning_rate"] = 2e-5 * (1 - step / 100.0),
                ["grad_norm"] = 5 + Math.Sin(step),
            });
        }
        // The Trainer appends evaluations where they happen; the order within history is by step.
        state.LogHistory.Sort((a, b) => a["step"].CompareTo(b["step"]));
        return state;
    }

    static Dictionary<string, double> Eval(int step, double progress) => new()
    {
        ["step"] = step,
        ["epoch"] = step / 25.0,
        ["eval_retr/document_recall/recall1"] = 0.40 + 0.2 * progress,
        [Recall4] = 0.60 + 0.2 * progress,
        ["eval_retr/document_recall/likely_recall"] = 0.70 + 0.15 * progress,
        ["eval_retr/ranking/mrr@10"] = 0.50 + 0.2 * progress,
        ["eval_retr/ranking/ndcg@10"] = 0.55 + 0.2 * progress,
        ["eval_retr/latency/avg_latency"] = 0.01,
        ["eval_runtime"] = 3.2,
        ["eval_samples_per_second"] = 100,
    };
}
