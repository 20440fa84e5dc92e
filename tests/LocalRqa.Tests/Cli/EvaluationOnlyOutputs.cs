using System.Text.Json.Nodes;
using LocalRqa.Evaluation;

namespace LocalRqa.Tests.Cli;

/// <summary>What `rqa train ... --do_train false` leaves, whichever trainer ran it: scores and predictions, no model.</summary>
internal static class EvaluationOnlyOutputs
{
    public static void AssertIn(string output)
    {
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "eval_score.json")))!.AsObject();
        Assert.NotNull(scores["eval_retr/document_recall/recall4"]);
        Assert.True(File.Exists(Path.Combine(output, "eval-predictions.jsonl")));
        Assert.Empty(Directory.GetDirectories(output, "checkpoint-*"));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));

        // The predictions keep LocalRQA's top 4 and the ranking to 100: rescored, they give eval_score.json's every metric exactly.
        var predictions = PredictionsFile.Read(Path.Combine(output, "eval-predictions.jsonl"));
        Assert.All(predictions, p => Assert.Equal((4, 100), (p.Retrieved.Count, p.Ranking!.Depth)));
        var rescored = PredictionMetrics.Of(predictions);
        Assert.Empty(rescored.NotRecomputable);
        var table = scores.Where(kv => !kv.Key.Contains("/latency/") && !kv.Key.Contains("_ci95_")).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        Assert.Equal(table, rescored.Scores.ToDictionary(kv => "eval_retr/" + kv.Key, kv => kv.Value));
    }
}
