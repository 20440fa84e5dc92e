using System.Text.Json.Nodes;

namespace LocalRqa.Tests.Cli;

/// <summary>What `rqa train ... --do_train false` leaves, whichever trainer ran it: scores and predictions, no model.</summary>
internal static class EvaluationOnlyOutputs
{
    public static void AssertIn(string output)
    {
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "eval_score.json")))!;
        Assert.NotNull(scores["eval_retr/document_recall/recall4"]);
        Assert.True(File.Exists(Path.Combine(output, "eval-predictions.jsonl")));
        Assert.Empty(Directory.GetDirectories(output, "checkpoint-*"));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
    }
}
