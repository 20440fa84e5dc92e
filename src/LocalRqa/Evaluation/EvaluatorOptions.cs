using LocalRqa.Evaluation.Metrics;

namespace LocalRqa.Evaluation;

/// <summary>What a retriever evaluation computes (LocalRQA's EvaluatorConfig, plus our additions).</summary>
internal sealed record EvaluatorOptions
{
    /// <summary>Documents kept per question for predictions and LocalRQA's metrics (LocalRQA retrieves 4).</summary>
    public int TopK { get; init; } = 4;
    /// <summary>Questions per retrieval call (LocalRQA's `--test_bszv`); latency is measured per call.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>LocalRQA's opt-in `retr_ndcg`.</summary>
    public bool Ndcg { get; init; }
    /// <summary>Resamples of the 95% bootstrap confidence intervals.</summary>
    public int BootstrapResamples { get; init; } = 1000;
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Documents per question kept in the predictions' deep `ranking` (`--save_depth`); null: <see cref="RetrievalDepth"/>,
    /// enough to recompute every metric from the file. At least TopK.
    /// </summary>
    public int? SaveDepth { get; init; }

    /// <summary>Ranking metrics look at the top 100 (MAP@100) whatever TopK is; retrieving them costs little.</summary>
    public int RetrievalDepth => Math.Max(Math.Max(TopK, RankingMetrics.MaxDepth), SaveDepth ?? 0);

    /// <summary>How deep the predictions keep their ranking.</summary>
    public int SavedDepth => SaveDepth ?? RetrievalDepth;
}
