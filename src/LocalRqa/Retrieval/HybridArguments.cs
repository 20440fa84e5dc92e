using LocalRqa.Arguments;

namespace LocalRqa.Retrieval;

/// <summary>
/// The fusion flags, one record shared by every verb that can fuse (parsed beside the verb's own record, saved under
/// "hybrid_args" in all_args.json): --hybrid_depth, --fusion, --rrf_k and --hybrid_weight. Each is null unless given,
/// so that a model folder's <see cref="HybridSettings.FileName"/> applies where the flags say nothing
/// (<see cref="Resolve"/>); the defaults are <see cref="HybridSettings"/>'s (depth 100, rrf, k 60, weight 0.5).
/// </summary>
public sealed record HybridArguments : IArgumentRecord
{
    internal const string AutoWeightSpelling = "auto";

    /// <summary>`--hybrid_depth`: Candidates each side (dense and BM25) retrieves before fusion; null: the model folder's hybrid_retrieval.json, else 100.</summary>
    public int? HybridDepth { get; init; }
    /// <summary>`--fusion`: rrf (weighted reciprocal rank fusion) or score (min-max normalised scores, combined); null: the model folder's, else rrf.</summary>
    public FusionMethod? Fusion { get; init; }
    /// <summary>`--rrf_k`: RRF's k in w/(k + rank_dense) + (1 - w)/(k + rank_bm25); null: the model folder's, else 60.</summary>
    public double? RrfK { get; init; }
    /// <summary>The dense share w; null: not given (or `auto`, see <see cref="AutoWeight"/>).</summary>
    public double? HybridWeight { get; init; }
    /// <summary>`--hybrid_weight auto`: w chosen from {0.2, ..., 0.8} on evaluation questions, by the trainers only.</summary>
    public bool AutoWeight { get; init; }

    const string WithoutHybrid = "without a hybrid retriever (--retriever_type hybrid, --retriever hybrid or --mine_hard_negatives hybrid)";

    static bool Fuses(ArgumentSet set) => set.Records.OfType<IHybridRetrievalUser>().Any(r => r.UsesHybrid);

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<HybridArguments>(new(), "hybrid_args")
        .OptionalInteger("hybrid_depth", a => a.HybridDepth, (a, v) => a with { HybridDepth = v },
            "Candidates each side (dense and BM25) retrieves before fusion; null: the model folder's hybrid_retrieval.json, else 100.")
            .OnlyWhen((_, set) => Fuses(set), WithoutHybrid)
        .OptionalChoice("fusion", [("rrf", FusionMethod.Rrf), ("score", FusionMethod.Score)], a => a.Fusion, (a, v) => a with { Fusion = v },
            "rrf (weighted reciprocal rank fusion) or score (min-max normalised scores, combined); null: the model folder's, else rrf.")
            .OnlyWhen((_, set) => Fuses(set), WithoutHybrid)
        .OptionalNumber("rrf_k", a => a.RrfK, (a, v) => a with { RrfK = v },
            "RRF's k in w/(k + rank_dense) + (1 - w)/(k + rank_bm25); null: the model folder's, else 60.")
            .OnlyWhen((a, set) => Fuses(set) && a.Fusion != FusionMethod.Score, "with --fusion score or " + WithoutHybrid)
        .OptionalNumberOrWord("hybrid_weight", AutoWeightSpelling, a => (a.HybridWeight, a.AutoWeight),
            (a, w, auto) => a with { HybridWeight = w, AutoWeight = auto },
            "The dense share w in [0, 1] (BM25 gets 1 - w), or auto (chosen on the eval questions by the trainers); "
            + "null: the model folder's, else 0.5.")
            .OnlyWhen((_, set) => Fuses(set), WithoutHybrid)
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    /// <summary>
    /// The flags as given, before any work; the settings a model folder adds are checked again by the job
    /// (<see cref="HybridSettings.Problem"/>).
    /// </summary>
    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        if (RrfK is { } k && !(k > 0)) throw new RqaException($"--rrf_k must be a positive number, got {F(k)}");
        if (HybridWeight is { } w && w is < 0 or > 1) throw new RqaException($"--hybrid_weight must be in [0, 1] (the dense share) or auto, got {F(w)}");
        if (HybridDepth is < 1) throw new RqaException($"--hybrid_depth must be at least 1, got {F(HybridDepth)}");
        var users = arguments.Records.OfType<IHybridRetrievalUser>().Where(r => r.UsesHybrid).ToList();
        if (users.Count == 0) return;
        var deepest = users.MaxBy(u => u.FusedTopK)!;
        if (HybridDepth is { } depth && depth < deepest.FusedTopK)
            throw new RqaException($"--hybrid_depth {depth} is below {deepest.FusedTopKFlag} {deepest.FusedTopK}: each side must retrieve at least the documents taken");
        if (AutoWeight && !users.Any(u => u.ChoosesAutoWeight))
            throw new RqaException($"--hybrid_weight auto is chosen on the eval questions during training; with {users[0].HybridFlag} give a number in [0, 1] "
                + "(or leave it out: the model folder's hybrid_retrieval.json, else 0.5)");
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments) => [];

    /// <summary>
    /// The effective settings: each flag given wins, then <paramref name="recorded"/> (a model folder's
    /// <see cref="HybridSettings.TryLoad"/>), then the defaults. Under `auto` the weight is the recorded or default one
    /// until the trainer that picks it replaces it.
    /// </summary>
    internal HybridSettings Resolve(HybridSettings? recorded = null)
    {
        var basis = recorded ?? new HybridSettings();
        return new HybridSettings
        {
            Depth = HybridDepth ?? basis.Depth,
            Fusion = Fusion ?? basis.Fusion,
            RrfK = RrfK ?? basis.RrfK,
            Weight = HybridWeight ?? basis.Weight,
        };
    }

    /// <summary>
    /// The settings of a run whose dense side is the model in <paramref name="modelFolder"/>: <see cref="Resolve"/> over
    /// the folder's <see cref="HybridSettings.FileName"/>, said in the log, and refused in one line (before the run
    /// writes anything) when they cannot return <paramref name="topK"/> documents.
    /// </summary>
    internal HybridSettings ForModel(string modelFolder, int topK, TextWriter log)
    {
        var recorded = HybridSettings.TryLoad(modelFolder);
        var settings = Resolve(recorded);
        if (settings.Problem(topK) is { } problem)
            throw new RqaException(recorded is null ? problem : $"{problem} (fusion settings from {Path.Combine(modelFolder, HybridSettings.FileName)} and the flags)");
        log.WriteLine(recorded is null
            ? $"Hybrid fusion: {settings.Describe()}"
            : $"Hybrid fusion: {settings.Describe()} (the model folder's {HybridSettings.FileName} says {recorded.Describe()}; flags given override it)");
        return settings;
    }

    /// <summary>This record with every field set to <paramref name="settings"/>: what all_args.json records as the run's.</summary>
    internal HybridArguments Effective(HybridSettings settings) => this with
    {
        HybridDepth = settings.Depth,
        Fusion = settings.Fusion,
        RrfK = settings.RrfK,
        HybridWeight = settings.Weight,
        AutoWeight = false,
    };

    static string F(object? value) => ArgumentField.Format(value);
}
