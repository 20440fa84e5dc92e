using LocalRqa.Training;

namespace LocalRqa.Tests.Training;

public class TrainerStateTests
{
    static Dictionary<string, double> Eval(int step, double recall1, double recall4) => new()
    {
        ["eval_retr/document_recall/recall1"] = recall1, ["eval_retr/document_recall/recall4"] = recall4, ["step"] = step,
    };

    [Fact]
    public void TheSavedModelsEvaluationIsTheOneAtTheBestCheckpointEvenWhenALaterOneTies()
    {
        var state = new TrainerState { BestModelCheckpoint = Path.Combine("out", "checkpoint-18"), BestMetric = 0.836 };
        state.LogHistory.Add(Eval(0, 0.425, 0.726));
        state.LogHistory.Add(new() { ["loss"] = 0.5, ["step"] = 5 });
        state.LogHistory.Add(Eval(18, 0.384, 0.836));
        state.LogHistory.Add(Eval(36, 0.370, 0.836)); // ties the best metric: not the saved model

        Assert.Equal(0.425, state.BaseEvaluation()!["eval_retr/document_recall/recall1"]);
        Assert.Equal(18, state.SavedModelEvaluation()!["step"]);
        Assert.Equal(3, state.Evaluations().Count);
    }

    [Fact]
    public void WithoutABestCheckpointTheLastEvaluationAfterStepZero()
    {
        var state = new TrainerState();
        state.LogHistory.Add(Eval(0, 0.4, 0.7));
        Assert.Null(state.SavedModelEvaluation());
        state.LogHistory.Add(Eval(10, 0.5, 0.8));
        state.LogHistory.Add(Eval(20, 0.45, 0.75));
        Assert.Equal(20, state.SavedModelEvaluation()!["step"]);
    }
}
