using LocalRqa.Training.Comparison;

namespace LocalRqa.Training.Reports;

/// <summary>What <see cref="ModelCard.Write"/> needs to describe a trained retriever.</summary>
internal sealed record ModelCardInfo
{
    /// <summary>Title, and the path used in the usage snippets (e.g. the output folder).</summary>
    public required string ModelName { get; init; }

    /// <summary>Training algorithm as the user named it, e.g. "contrastive learning with in-batch negatives".</summary>
    public required string Algorithm { get; init; }

    /// <summary>The model training started from: its HuggingFace id, or a local folder's absolute path (<see cref="BaseModelReference"/>).</summary>
    public required string BaseModel { get; init; }

    public IReadOnlyList<ModelCardDataset> Data { get; init; } = [];

    /// <summary>Key hyperparameters by flag name, shown in enumeration order (a Dictionary keeps insertion order until a removal).</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; init; } = new Dictionary<string, object?>();

    /// <summary>The base model's evaluation (flat log keys such as "eval_retr/document_recall/recall4"); empty when not run.</summary>
    public IReadOnlyDictionary<string, double> BaseMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The trained model's evaluation, same keys.</summary>
    public IReadOnlyDictionary<string, double> FinalMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>BM25's evaluation on the same questions, same keys; empty when not run (`--bm25_baseline false`).</summary>
    public IReadOnlyDictionary<string, double> Bm25Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The final comparison of base dense, saved dense, BM25 and the two hybrids, when the run computed it: the card then
    /// shows it instead of the base/trained/BM25 columns, and says which retriever to deploy with which settings.
    /// </summary>
    public RetrieverComparison? Comparison { get; init; }

    /// <summary>The similarity and prompts the model was trained and evaluated with; null when not known.</summary>
    public DenseSetup? Dense { get; init; }

    /// <summary>Chart files relative to the card's folder, e.g. <see cref="ChartsWritten.Files"/>.</summary>
    public IReadOnlyList<string> Charts { get; init; } = [];

    /// <summary>
    /// The prompt names the saved config_sentence_transformers.json defines ("query", "passage"): the usage snippets name
    /// only these, since sentence-transformers raises for a prompt_name its config lacks.
    /// </summary>
    public IReadOnlySet<string> PromptNames { get; init; } = new HashSet<string>();

    /// <summary>
    /// Why Python's sentence-transformers cannot load the model as trained (e.g. a DCA token projection); the card then
    /// says so instead of showing a sentence-transformers snippet. Null when it can.
    /// </summary>
    public string? SentenceTransformersCaveat { get; init; }

    /// <summary>What a user must know before using the model (e.g. passages embedded by another model); shown first under Usage.</summary>
    public string? UsageNote { get; init; }

    /// <summary>Tags added to the defaults (sentence-transformers, sentence-similarity, feature-extraction, dense-retrieval, rqa).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Dataset ids for the front matter's datasets list, when the data comes from the Hub.</summary>
    public IReadOnlyList<string> HubDatasets { get; init; } = [];
}
