namespace LocalRqa.Training.Reports;

/// <summary>What <see cref="TrainingCharts.Write"/> produced: file names inside the folder, and a note when text could not be drawn.</summary>
internal sealed record ChartsWritten(IReadOnlyList<string> Files, string? Warning);
