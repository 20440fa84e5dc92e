using LocalRqa.Data;

namespace LocalRqa.Tests.Evaluation.Metrics;

/// <summary>Small documents for hand-computed metric cases.</summary>
internal static class MetricDocs
{
    public static Document Doc(string source, string content) =>
        Document.Create(content, null, new Dictionary<string, object?> { ["source"] = source });

    /// <summary>A document whose tokens ("fill" + name + "text") share nothing with any gold document.</summary>
    public static Document Filler(string name) => Doc($"filler/{name}", $"fill{name} text");

    public static RetrievalOutcomeBuilder Question(params Document[] gold) => new(gold);
}
