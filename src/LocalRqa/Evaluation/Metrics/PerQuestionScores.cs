namespace LocalRqa.Evaluation.Metrics;

/// <summary>
/// Per-question values of several metrics over the same questions, in question order: the input of
/// <see cref="BootstrapInterval"/> and <see cref="PairedComparison"/>, and of the reported means.
/// </summary>
internal sealed class PerQuestionScores
{
    private readonly Dictionary<string, double[]> values;

    internal PerQuestionScores(IReadOnlyList<string> metrics, int questionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(questionCount);
        Metrics = metrics.ToArray();
        QuestionCount = questionCount;
        values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var metric in Metrics)
            if (!values.TryAdd(metric, new double[questionCount]))
                throw new ArgumentException($"metric '{metric}' is listed twice", nameof(metrics));
    }

    /// <summary>Metric names in report order.</summary>
    public IReadOnlyList<string> Metrics { get; }

    public int QuestionCount { get; }

    /// <summary>The metric's value for each question.</summary>
    public IReadOnlyList<double> this[string metric] =>
        this.values.TryGetValue(metric, out var values) ? values : throw new KeyNotFoundException($"no per-question values for metric '{metric}'");

    internal void Set(string metric, int question, double value) => values[metric][question] = value;

    /// <summary>Each metric's mean over the questions (0 when there are none), in report order.</summary>
    public IReadOnlyDictionary<string, double> Means()
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in Metrics) means[metric] = Mean(values[metric]);
        return means;
    }

    /// <summary>Plain Σx/n, summed in order, so equal inputs give bit-equal means.</summary>
    internal static double Mean(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return 0;
        var sum = 0.0;
        for (var i = 0; i < values.Count; i++) sum += values[i];
        return sum / values.Count;
    }
}
