namespace LocalRqa.Tests.Library;

/// <summary>
/// The library's public surface (docs/library.md) is a decision, not an accident: every exported type is listed here,
/// so making a type public, or one of these internal, is a change this test asks to be made on purpose (and documented).
/// </summary>
public sealed class PublicSurfaceTests
{
    static readonly string[] Approved =
    [
        "LocalRqa.Data.Document",
        "LocalRqa.Data.DocumentCollection",
        "LocalRqa.Data.DocumentIdentity",
        "LocalRqa.Data.RetrievalDataReader",
        "LocalRqa.Data.RetrievalExample",
        "LocalRqa.Encoders.PoolingType",
        "LocalRqa.Export.OnnxExportArguments",
        "LocalRqa.Indexing.SearchHit",
        "LocalRqa.Indexing.Similarity",
        "LocalRqa.Library.EmbeddingModel",
        "LocalRqa.Library.EvaluationSet",
        "LocalRqa.Library.ModelExport",
        "LocalRqa.Library.RetrievalScores",
        "LocalRqa.Library.RetrieverTrainer",
        "LocalRqa.Library.TrainingResult",
        "LocalRqa.Losses.ContrastiveSimilarity",
        "LocalRqa.Retrieval.Bm25Retriever",
        "LocalRqa.Retrieval.DenseRetriever",
        "LocalRqa.Retrieval.FusionMethod",
        "LocalRqa.Retrieval.HybridArguments",
        "LocalRqa.Retrieval.HybridRetriever",
        "LocalRqa.Retrieval.HybridSettings",
        "LocalRqa.Retrieval.IRetriever",
        "LocalRqa.RqaException",
        "LocalRqa.Training.Ctl.CtlArguments",
        "LocalRqa.Training.Dca.DcaArguments",
        "LocalRqa.Training.EvalRetrieverKind",
        "LocalRqa.Training.IntervalStrategy",
        "LocalRqa.Training.Mining.NegativeMiningSource",
        "LocalRqa.Training.Optimization.LearningRateScheduleKind",
        "LocalRqa.Training.ReportTarget",
        "LocalRqa.Training.Rpg.RpgArguments",
        "LocalRqa.Training.TrainingArguments",
    ];

    [Fact]
    public void ExportedTypesAreTheApprovedSurface()
    {
        var exported = typeof(RqaException).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Approved.Order(StringComparer.Ordinal), exported);
    }
}
