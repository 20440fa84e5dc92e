using LocalRqa.Training.Reports;

namespace LocalRqa.Tests.Training.Reports;

public sealed class GainTableTests
{
    static Dictionary<string, double> Metrics(double recall1, double recall4) => new()
    {
        ["eval_retr/document_recall/recall1"] = recall1,
        ["eval_retr/document_recall/recall4"] = recall4,
    };

    [Fact]
    public void ShowsBaseTrainedAndTheChangeRowByRow()
    {
        var table = GainTable.Format(Metrics(0.425, 0.726), Metrics(0.37, 0.863), "eval", "base", "step 18")!;
        var lines = table.Split('\n');
        Assert.Equal(3, lines.Length); // header + the two metrics present; absent rows are left out
        Assert.Equal("  metric                       base      step 18   change", lines[0]);
        // Metrics named as rqa test-retriever and the model card name them.
        Assert.Equal("  recall1                     0.425        0.370   -0.055", lines[1]);
        Assert.Equal("  recall4                     0.726        0.863   +0.137", lines[2]);
    }

    [Fact]
    public void AReferenceAddsItsValueAndTheTrainedModelsMarginOverIt()
    {
        var table = GainTable.Format(Metrics(0.425, 0.726), Metrics(0.37, 0.863), "eval", "base", "step 18", reference: Metrics(0.37, 0.849))!;
        var lines = table.Split('\n');
        Assert.Equal("  metric                       base      step 18   change     BM25    vs BM25", lines[0]);
        Assert.Equal("  recall1                     0.425        0.370   -0.055    0.370      0.000", lines[1]);
        Assert.Equal("  recall4                     0.726        0.863   +0.137    0.849     +0.014", lines[2]);
    }

    [Fact]
    public void NoTableWithoutBothEvaluations()
    {
        Assert.Null(GainTable.Format(null, Metrics(0.4, 0.8), "eval", "base", "step 2"));
        Assert.Null(GainTable.Format(Metrics(0.4, 0.8), null, "eval", "base", "step 2"));
    }
}
