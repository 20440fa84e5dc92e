namespace LocalRqa.Tests.Training.Reports;

/// <summary>A clock the test sets.</summary>
sealed class TensorBoardTestClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
