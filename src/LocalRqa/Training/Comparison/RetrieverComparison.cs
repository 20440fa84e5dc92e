using System.Text.Json.Nodes;
using LocalRqa.Retrieval;

namespace LocalRqa.Training.Comparison;

/// <summary>
/// The end of a run, as a user decides what to deploy: base dense, saved dense, BM25, hybrid(base + BM25) and
/// hybrid(saved + BM25) on the same eval questions (rows absent when not computed), and the one to deploy: the best by
/// --metric_for_best_model, ties to the simpler (<see cref="RetrieverRole"/>).
/// </summary>
internal sealed record RetrieverComparison(IReadOnlyList<ComparedRetriever> Rows, string Metric, bool GreaterIsBetter)
{
    /// <summary>The file beside the saved model with every row's metrics, the deployment choice and the weights tried.</summary>
    public const string FileName = "retriever_comparison.json";

    /// <summary>The candidate weights `--hybrid_weight auto` scored for each hybrid row, by role.</summary>
    public IReadOnlyDictionary<RetrieverRole, IReadOnlyList<WeightCandidate>> WeightSearches { get; init; } =
        new Dictionary<RetrieverRole, IReadOnlyList<WeightCandidate>>();

    /// <summary>The similarity and prompts the dense rows were evaluated with: deploying one of them needs the same.</summary>
    public DenseSetup? Dense { get; init; }

    public ComparedRetriever? this[RetrieverRole role] => Rows.FirstOrDefault(r => r.Role == role);

    /// <summary>The row every margin is measured against: the base model as a dense retriever.</summary>
    public ComparedRetriever? Reference => this[RetrieverRole.BaseDense];

    /// <summary>The best row by <see cref="Metric"/>, ties to the simpler; null when no row has the metric.</summary>
    public ComparedRetriever? Deploy
    {
        get
        {
            var scored = Rows.Where(r => r.Metrics.ContainsKey(Metric)).ToList();
            if (scored.Count == 0) return null;
            var best = GreaterIsBetter ? scored.Max(r => r.Metrics[Metric]) : scored.Min(r => r.Metrics[Metric]);
            return scored.Where(r => r.Metrics[Metric] == best).MinBy(r => r.Role);
        }
    }

    /// <summary>
    /// What to deploy with every setting it was measured with, e.g. "hybrid(step 20 + BM25): rrf (k 60, dense weight 0.6,
    /// depth 100), the dense side with similarity cosine, no prompts".
    /// </summary>
    public string? DeployDescription => Deploy switch
    {
        null => null,
        { Role: RetrieverRole.Bm25 } row => $"{row.Name}, keyword search with no model, similarity or prompts",
        { Fusion: { } fusion } row => $"{row.Name}: {fusion.Describe()}{(Dense is null ? "" : $", the dense side with {Dense.Describe()}")}",
        var row => Dense is null ? row.Name : $"{row.Name} with {Dense.Describe()}",
    };

    public JsonObject ToJson()
    {
        var rows = new JsonArray();
        foreach (var row in Rows)
        {
            var metrics = new JsonObject();
            foreach (var (key, value) in row.Metrics) metrics[key] = value;
            var json = new JsonObject { ["retriever"] = RoleName(row.Role), ["name"] = row.Name, ["metrics"] = metrics };
            if (row.Fusion is { } fusion) json["fusion"] = fusion.ToJson();
            if (WeightSearches.TryGetValue(row.Role, out var tried))
                json["hybrid_weight_candidates"] = new JsonArray([.. tried.Select(c => (JsonNode)new JsonObject { ["hybrid_weight"] = c.Weight, [Metric] = c.Metric })]);
            rows.Add(json);
        }
        return new JsonObject
        {
            ["metric_for_best_model"] = Metric,
            ["greater_is_better"] = GreaterIsBetter,
            ["deploy"] = Deploy is { } deploy ? RoleName(deploy.Role) : null,
            ["deploy_description"] = DeployDescription,
            ["dense_setup"] = Dense?.ToJson(),
            ["retrievers"] = rows,
        };
    }

    /// <summary>snake_case names for the JSON file: bm25, base_dense, saved_dense, hybrid_base, hybrid_saved.</summary>
    public static string RoleName(RetrieverRole role) => role switch
    {
        RetrieverRole.Bm25 => "bm25",
        RetrieverRole.BaseDense => "base_dense",
        RetrieverRole.SavedDense => "saved_dense",
        RetrieverRole.HybridBase => "hybrid_base",
        _ => "hybrid_saved",
    };
}
