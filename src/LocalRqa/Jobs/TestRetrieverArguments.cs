using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Indexing;
using LocalRqa.Retrieval;

namespace LocalRqa.Jobs;

/// <summary>
/// Flags of `rqa test-retriever`: LocalRQA's test_retriever.py arguments and rqa's additions. The groups are the
/// objects of the all_args.json it writes, as LocalRQA's: model_args and test_args.
/// </summary>
internal sealed record TestRetrieverArguments : IArgumentRecord, IHybridRetrievalUser
{
    public string EmbeddingModelNameOrPath { get; init; } = ModelLocator.DefaultModel;
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string DocumentPath { get; init; } = "";
    public string? IndexPath { get; init; }
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string EvalDataPath { get; init; } = "";
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string OutputDir { get; init; } = "";
    public RetrieverKind RetrieverType { get; init; } = RetrieverKind.Dense;
    public int TestBszv { get; init; } = 8;
    /// <summary>Null: the model's own similarity, else cosine.</summary>
    public Similarity? Similarity { get; init; }
    public int TopK { get; init; } = 4;
    /// <summary>Documents per question in the predictions' deep `ranking`; null: 100 (what the metrics use) or top_k if larger.</summary>
    public int? SaveDepth { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>False embeds queries and documents without the model's prompts (as LocalRQA's HuggingFaceEmbeddings).</summary>
    public bool UsePrompts { get; init; } = true;
    public bool RebuildIndex { get; init; }
    public bool RetrNdcg { get; init; }
    public string? CompareWith { get; init; }
    public int BootstrapSamples { get; init; } = 1000;
    public int Seed { get; init; } = 42;

    /// <summary>Whether the run embeds with the dense model: faiss alone or as hybrid's dense side.</summary>
    public bool UsesModel => RetrieverType != RetrieverKind.Bm25;

    bool IHybridRetrievalUser.UsesHybrid => RetrieverType == RetrieverKind.Hybrid;
    int IHybridRetrievalUser.FusedTopK => TopK;
    string IHybridRetrievalUser.FusedTopKFlag => "--top_k";
    bool IHybridRetrievalUser.ChoosesAutoWeight => false;
    string IHybridRetrievalUser.HybridFlag => "--retriever_type hybrid";

    const string Bm25Ignores = "with --retriever_type bm25 (BM25 embeds nothing and keeps no vector index)";

    public static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<TestRetrieverArguments>(new(), "model_args")
        .Text("embedding_model_name_or_path", a => a.EmbeddingModelNameOrPath, (a, v) => a with { EmbeddingModelNameOrPath = v },
            "Dense retriever model: a folder or HuggingFace id.")
            .OnlyWhen(a => a.UsesModel, Bm25Ignores)
        .Group("test_args")
        .Text("document_path", a => a.DocumentPath, (a, v) => a with { DocumentPath = v },
            "Document database: LocalRQA documents.pkl, JSONL or a JSON list of {page_content, fmt_content?, metadata?}.", required: true)
        .OptionalText("index_path", a => a.IndexPath, (a, v) => a with { IndexPath = v },
            "Folder of the saved vector index: reused when built from the same documents and model, else built and saved.")
            .OnlyWhen(a => a.UsesModel, Bm25Ignores)
        .Text("eval_data_path", a => a.EvalDataPath, (a, v) => a with { EvalDataPath = v },
            "Questions: JSONL with questions (or question) and gold_docs.", required: true)
        .Text("output_dir", a => a.OutputDir, (a, v) => a with { OutputDir = v },
            "Where all_args.json, score.json, test-predictions.jsonl and test.log go.", required: true)
        .Choice("retriever_type", [("faiss", RetrieverKind.Dense), ("bm25", RetrieverKind.Bm25), ("hybrid", RetrieverKind.Hybrid), ("dense", RetrieverKind.Dense)],
            a => a.RetrieverType, (a, v) => a with { RetrieverType = v },
            "faiss (dense, the name LocalRQA uses; also dense), bm25, or hybrid (both fused: --fusion, --rrf_k, --hybrid_weight, --hybrid_depth).")
        .Integer("test_bszv", a => a.TestBszv, (a, v) => a with { TestBszv = v },
            "Questions per retrieval call; also the embedding batch size.")
        .OptionalChoice("similarity", Similarities.Choices, a => a.Similarity, (a, v) => a with { Similarity = v },
            "cosine, dot or euclidean (sentence-transformers' names; euclidean scores by squared distance as FAISS's IndexFlatL2, "
            + "LocalRQA's default); ip and l2 are read as dot and euclidean. null: the model's similarity_fn_name, else cosine.",
            valueAliases: Similarities.Aliases)
            .OnlyWhen(a => a.UsesModel, Bm25Ignores)
        .Integer("top_k", a => a.TopK, (a, v) => a with { TopK = v }, "Documents retrieved per question (LocalRQA retrieves 4).")
        .OptionalInteger("save_depth", a => a.SaveDepth, (a, v) => a with { SaveDepth = v },
            "Documents per question kept in test-predictions.jsonl's `ranking` (retrieved_docs stays the top_k); null: 100, the depth the metrics use.")
        .OptionalInteger("max_length", a => a.MaxLength, (a, v) => a with { MaxLength = v },
            "Truncate texts to this many tokens; null: the model's maximum.")
            .OnlyWhen(a => a.UsesModel, Bm25Ignores)
        .Boolean("use_prompts", a => a.UsePrompts, (a, v) => a with { UsePrompts = v },
            "Embed with the model's query/passage prompts (false matches LocalRQA's HuggingFaceEmbeddings).")
            .OnlyWhen(a => a.UsesModel, Bm25Ignores)
        .Boolean("rebuild_index", a => a.RebuildIndex, (a, v) => a with { RebuildIndex = v },
            "Rebuild the index at --index_path even if it was built differently.")
            .OnlyWhen(a => a.UsesModel && a.IndexPath is not null, "without a dense --index_path (there is no saved index to rebuild)")
        .Boolean("retr_ndcg", a => a.RetrNdcg, (a, v) => a with { RetrNdcg = v }, "Also compute LocalRQA's nDCG.")
        .OptionalText("compare_with", a => a.CompareWith, (a, v) => a with { CompareWith = v },
            "Another run's test-predictions.jsonl: gained/lost questions and paired bootstrap p-values.")
        .Integer("bootstrap_samples", a => a.BootstrapSamples, (a, v) => a with { BootstrapSamples = v },
            "Bootstrap resamples for confidence intervals and p-values.")
        .Integer("seed", a => a.Seed, (a, v) => a with { Seed = v }, "Seed of the bootstrap.")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    public void Validate(ArgumentSet arguments)
    {
        Require(DocumentPath.Trim().Length > 0, "--document_path is required");
        Require(EvalDataPath.Trim().Length > 0, "--eval_data_path is required");
        Require(OutputDir.Trim().Length > 0, "--output_dir is required");
        Require(TestBszv >= 1, $"--test_bszv must be at least 1, got {TestBszv}");
        Require(TopK >= 1, $"--top_k must be at least 1, got {TopK}");
        Require(SaveDepth is null || SaveDepth >= TopK, $"--save_depth must be at least --top_k ({TopK}), got {SaveDepth}");
        Require(MaxLength is null or >= 1, $"--max_length must be at least 1 or none, got {MaxLength}");
        Require(BootstrapSamples >= 1, $"--bootstrap_samples must be at least 1, got {BootstrapSamples}");
    }

    public IEnumerable<string> Warnings(ArgumentSet arguments) => [];

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
