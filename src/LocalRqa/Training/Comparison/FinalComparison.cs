using System.Globalization;
using LocalRqa.Evaluation;
using LocalRqa.Logging;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// Builds a run's <see cref="RetrieverComparison"/> from the rankings it kept (<see cref="EvalRankings"/>): the base
/// model's from the evaluation at step 0, the saved model's from its step's, BM25's from the run's one index. Every
/// row is scored by the same evaluator on the same eval questions; the hybrids are fusions of those rankings, with
/// the fixed --hybrid_weight or, with auto, the weight <see cref="HybridWeightSearch"/> picks for that model.
/// </summary>
internal static class FinalComparison
{
    /// <param name="fusion">the fusion flags (under auto, the weight is searched per model)</param>
    /// <param name="savedStep">the step of the saved model's evaluation</param>
    /// <param name="savedRankings">the saved model's rankings when the run did not keep them (a step evaluated before a resume)</param>
    /// <param name="baseRankings">the base model's rankings when the run did not keep them (it was resumed), or null when
    /// they cannot be had again (a base model whose step-0 form was not saved, such as a fresh random projection)</param>
    /// <param name="bm25">BM25's evaluation by <see cref="Training.Reports.Bm25Reference"/>, when run</param>
    /// <returns>the comparison, and the fusion settings for the saved model (what its folder records)</returns>
    public static (RetrieverComparison Comparison, HybridSettings SavedSettings) Compute(TrainingArguments args, HybridArguments fusion, EvalRankings rankings,
        RetrieverEvaluator evaluator, int savedStep, Func<DenseRankings> savedRankings, Func<DenseRankings?> baseRankings,
        IReadOnlyDictionary<string, double>? bm25, RunLog log)
    {
        var rows = new List<ComparedRetriever>();
        var searches = new Dictionary<RetrieverRole, IReadOnlyList<WeightCandidate>>();
        var savedName = $"step {savedStep}";
        var saved = rankings.Dense(savedStep) ?? savedRankings();
        var baseModel = rankings.Dense(0) ?? baseRankings();
        if (baseModel is null)
            log.WriteLine("the base model's step-0 form cannot be rebuilt in this resumed run (its projection was random): its dense and hybrid rows are left out");
        else rows.Add(Dense(RetrieverRole.BaseDense, "base", baseModel));
        rows.Add(Dense(RetrieverRole.SavedDense, savedName, saved));
        rows.Add(new ComparedRetriever(RetrieverRole.Bm25, "BM25", FusedEvaluation.Quality(bm25 ??
            FusedEvaluation.EvaluateAsIs(evaluator, rankings.Questions, rankings.Bm25Rankings, "bm25").Scores)));
        if (baseModel is not null) rows.Add(Hybrid(RetrieverRole.HybridBase, "base", baseModel).Row);
        var (hybridSaved, savedSettings) = Hybrid(RetrieverRole.HybridSaved, savedName, saved);
        rows.Add(hybridSaved);
        return (new RetrieverComparison(rows, args.MetricForBestModel, args.GreaterIsBetter) { WeightSearches = searches }, savedSettings);

        ComparedRetriever Dense(RetrieverRole role, string name, DenseRankings dense) => new(role, $"{name} (dense)",
            FusedEvaluation.Quality(FusedEvaluation.EvaluateAsIs(evaluator, rankings.Questions, dense.Hits, $"{name} (dense)").Scores));

        (ComparedRetriever Row, HybridSettings Settings) Hybrid(RetrieverRole role, string name, DenseRankings dense)
        {
            var settings = fusion.Resolve();
            if (fusion.AutoWeight)
            {
                var (weight, candidates) = HybridWeightSearch.Search(evaluator, rankings.Questions, dense, rankings.Bm25Rankings, settings,
                    args.MetricForBestModel, args.GreaterIsBetter);
                settings = settings with { Weight = weight };
                searches[role] = candidates;
                log.WriteLine($"--hybrid_weight auto for hybrid({name} + BM25): chose {F(weight)} by {args.MetricForBestModel} (" +
                              string.Join(", ", candidates.Select(c => $"w {F(c.Weight)}: {c.Metric.ToString("F4", CultureInfo.InvariantCulture)}")) + ")");
            }
            var scores = FusedEvaluation.Evaluate(evaluator, rankings.Questions, dense, rankings.Bm25Rankings, settings).Scores;
            return (new ComparedRetriever(role, $"hybrid({name} + BM25)", FusedEvaluation.Quality(scores), settings), settings);
        }
    }

    static string F(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);
}
