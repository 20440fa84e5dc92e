namespace LocalRqa.Tests.Training.Reports;

/// <summary>One decoded <c>tensorflow.Event</c>: the fields TensorBoardWriter writes, and the numbers of any other field seen.</summary>
sealed record TensorBoardTestEvent(
    double WallTime,
    long Step,
    string? FileVersion,
    IReadOnlyList<(string Tag, float Value)> Scalars,
    IReadOnlyList<int> OtherFields);
