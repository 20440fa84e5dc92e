using LocalRqa.Files;
using ScottPlot;

namespace LocalRqa.Training.Reports;

/// <summary>
/// PNG charts of a run from its trainer_state.json log history: <see cref="LossFile"/> (training loss, and grad norm
/// on a right axis), <see cref="LearningRateFile"/> and <see cref="EvalFile"/> (headline eval metrics over steps,
/// with dashed baseline lines). A chart without data is not drawn.
/// </summary>
internal static class TrainingCharts
{
    public const string LossFile = "loss.png";
    public const string LearningRateFile = "learning_rate.png";
    public const string EvalFile = "eval_metrics.png";

    const int Width = 900;
    const int Height = 540;

    /// <summary>
    /// Writes the charts into <paramref name="folder"/>, each through a temporary file and a rename.
    /// <paramref name="baseline"/> maps log keys (e.g. "eval_retr/document_recall/recall4") to a reference value,
    /// such as the base model's step-0 evaluation, drawn as a dashed line in the metric's colour.
    /// </summary>
    public static ChartsWritten Write(string folder, TrainerState state, IReadOnlyDictionary<string, double>? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var written = new List<string>();
        try
        {
            Emit(folder, LossFile, LossChart(state), written);
            Emit(folder, LearningRateFile, LearningRateChart(state), written);
            Emit(folder, EvalFile, EvalChart(state, baseline), written);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // The SkiaSharp native library is missing or unloadable on this platform: report it in one line.
            throw new RqaException($"{folder}: cannot draw charts, SkiaSharp is not usable here: {e.GetBaseException().Message}", e);
        }
        return new ChartsWritten(written, written.Count > 0 ? ChartFont.Warning : null);
    }

    static void Emit(string folder, string name, Plot? plot, List<string> written)
    {
        var path = Path.Combine(folder, name);
        if (plot is null)
        {
            // A chart from an earlier run in this folder would pass for this run's.
            if (File.Exists(path)) File.Delete(path);
            return;
        }
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
        written.Add(name);
    }

    static Plot? LossChart(TrainerState state)
    {
        var loss = Series(state, "loss");
        var gradNorm = Series(state, "grad_norm");
        if (loss.Steps.Length == 0 && gradNorm.Steps.Length == 0) return null;
        var plot = NewPlot("Training loss", "loss");
        if (loss.Steps.Length > 0)
        {
            var line = plot.Add.Scatter(loss.Steps, loss.Values);
            line.LegendText = "loss";
            line.MarkerSize = loss.Steps.Length > 50 ? 0 : 4;
        }
        if (gradNorm.Steps.Length > 0)
        {
            // Grad norm has its own scale; a right axis keeps the loss curve readable.
            var line = plot.Add.Scatter(gradNorm.Steps, gradNorm.Values);
            line.Axes.YAxis = plot.Axes.Right;
            line.LegendText = "grad_norm (right axis)";
            line.LinePattern = LinePattern.Dotted;
            line.MarkerSize = 0;
            plot.Axes.Right.Label.Text = "grad norm";
            if (loss.Steps.Length == 0) plot.Title("Gradient norm");
        }
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }

    static Plot? LearningRateChart(TrainerState state)
    {
        var lr = Series(state, "learning_rate");
        if (lr.Steps.Length == 0) return null;
        var plot = NewPlot("Learning rate", "learning rate");
        var line = plot.Add.Scatter(lr.Steps, lr.Values);
        line.MarkerSize = lr.Steps.Length > 50 ? 0 : 4;
        // Rates are ~1e-5: the default labels would read "0.00001"; scientific notation stays short.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = value => value == 0 ? "0" : value.ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.Margins(bottom: 0.05, top: 0.1);
        return plot;
    }

    static Plot? EvalChart(TrainerState state, IReadOnlyDictionary<string, double>? baseline)
    {
        var keys = state.LogHistory.SelectMany(e => e.Keys).Where(ReportMetrics.IsScore).Distinct().ToList();
        var headline = keys.Where(k => ReportMetrics.HeadlineLabel(k) is not null).ToList();
        // Headline metrics when any were logged; otherwise whatever scores there are.
        var chosen = (headline.Count > 0 ? headline : keys)
            .Select(k => (Key: k, Series: Series(state, k)))
            .Where(s => s.Series.Steps.Length > 0)
            .OrderBy(s => ReportMetrics.HeadlineRank(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
        if (chosen.Count == 0) return null;

        var plot = NewPlot("Evaluation", "score");
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < chosen.Count; i++)
        {
            var (key, series) = chosen[i];
            var label = ReportMetrics.HeadlineLabel(key) ?? key["eval_".Length..];
            var color = palette.GetColor(i);
            var line = plot.Add.Scatter(series.Steps, series.Values, color);
            line.LegendText = label;
            line.MarkerSize = 6;
            if (baseline is not null && baseline.TryGetValue(key, out var reference) && double.IsFinite(reference))
            {
                var rule = plot.Add.HorizontalLine(reference, 1.5f, color, LinePattern.Dashed);
                rule.LegendText = $"{label} (base)";
            }
        }
        // Outside the data area: with five metrics and their baselines any corner covers a curve.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    static Plot NewPlot(string title, string yLabel)
    {
        var plot = new Plot();
        if (ChartFont.Family is { } family) plot.Font.Set(family);
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>The (step, value) pairs of <paramref name="key"/>, in log order, skipping entries without a finite value.</summary>
    static (double[] Steps, double[] Values) Series(TrainerState state, string key)
    {
        var steps = new List<double>();
        var values = new List<double>();
        foreach (var entry in state.LogHistory)
        {
            if (!entry.TryGetValue(key, out var value) || !double.IsFinite(value)) continue;
            if (!entry.TryGetValue("step", out var step) || !double.IsFinite(step)) continue;
            steps.Add(step);
            values.Add(value);
        }
        return (steps.ToArray(), values.ToArray());
    }
}
