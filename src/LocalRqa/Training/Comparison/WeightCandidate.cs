namespace LocalRqa.Training.Comparison;

/// <summary>A dense share tried by `--hybrid_weight auto`, with its --metric_for_best_model on the eval questions.</summary>
internal sealed record WeightCandidate(double Weight, double Metric);
