namespace LocalRqa.Training.Reports;

/// <summary>One data file of a run for the model card, e.g. ("train", "data/train.jsonl", 1200, "questions").</summary>
internal sealed record ModelCardDataset(string Role, string Path, long? Count = null, string Unit = "examples");
