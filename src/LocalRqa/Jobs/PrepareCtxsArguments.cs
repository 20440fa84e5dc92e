using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Encoders;
using LocalRqa.Retrieval;

namespace LocalRqa.Jobs;

/// <summary>
/// Flags of `rqa prepare-ctxs`. The questions come from --input (one or more files), --train_file and --eval_file
/// together; <see cref="ToRequest"/> gathers them for <see cref="PrepareCtxsJob"/>.
/// </summary>
internal sealed record PrepareCtxsArguments : IArgumentRecord, IHybridRetrievalUser
{
    /// <summary>Required; empty only in the unparsed defaults.</summary>
    public string FullDatasetFilePath { get; init; } = "";
    public IReadOnlyList<string> Input { get; init; } = [];
    public string? TrainFile { get; init; }
    public string? EvalFile { get; init; }
    public string? Output { get; init; }
    public RetrieverKind Retriever { get; init; } = RetrieverKind.Bm25;
    public string? ModelNameOrPath { get; init; }
    public int NContext { get; init; } = 50;
    public int BatchSize { get; init; } = 32;

    public static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<PrepareCtxsArguments>(new(), "data_args")
        .Text("full_dataset_file_path", a => a.FullDatasetFilePath, (a, v) => a with { FullDatasetFilePath = v },
            "Document database: LocalRQA documents.pkl, JSONL or a JSON list of {page_content, fmt_content?, metadata?}.", required: true)
        .TextList("input", a => a.Input, (a, v) => a with { Input = v },
            "LocalRQA question files (JSONL with questions or question, and gold_docs); one or more.")
        .OptionalText("train_file", a => a.TrainFile, (a, v) => a with { TrainFile = v }, "A LocalRQA training file to prepare (as --input).")
        .OptionalText("eval_file", a => a.EvalFile, (a, v) => a with { EvalFile = v }, "A LocalRQA evaluation file to prepare (as --input).")
        .OptionalText("output", a => a.Output, (a, v) => a with { Output = v },
            "The DCA file to write (one input only; null: <name>_ctxs.json beside each input; .jsonl writes JSON lines).")
        .Group("retriever_args")
        .Choice("retriever", [("bm25", RetrieverKind.Bm25), ("dense", RetrieverKind.Dense), ("hybrid", RetrieverKind.Hybrid)],
            a => a.Retriever, (a, v) => a with { Retriever = v },
            "What retrieves the passages: BM25, the dense model of --model_name_or_path, or both fused (hybrid; see --fusion).")
        .OptionalText("model_name_or_path", a => a.ModelNameOrPath, (a, v) => a with { ModelNameOrPath = v },
            $"Dense model folder or HuggingFace id (with --retriever dense or hybrid; e.g. {ModelLocator.DefaultModel}).")
            .OnlyWhen(a => a.Retriever != RetrieverKind.Bm25, "with --retriever bm25 (BM25 embeds nothing)")
        .Integer("n_context", a => a.NContext, (a, v) => a with { NContext = v }, "Passages per question, gold passages included.")
        .Integer("batch_size", a => a.BatchSize, (a, v) => a with { BatchSize = v }, "Texts per forward pass when embedding with a dense model.")
            .OnlyWhen(a => a.Retriever != RetrieverKind.Bm25, "with --retriever bm25 (BM25 embeds nothing)")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    /// <summary>The job checks the combination (inputs, --output, the dense model), for library callers too.</summary>
    public void Validate(ArgumentSet arguments)
    {
        if (FullDatasetFilePath.Trim().Length == 0) throw new RqaException("--full_dataset_file_path is required");
        if (Retriever == RetrieverKind.Hybrid && ModelNameOrPath is null)
            throw new RqaException("--retriever hybrid needs --model_name_or_path (its dense side)");
    }

    bool IHybridRetrievalUser.UsesHybrid => Retriever == RetrieverKind.Hybrid;
    int IHybridRetrievalUser.FusedTopK => NContext;
    string IHybridRetrievalUser.FusedTopKFlag => "--n_context";
    bool IHybridRetrievalUser.ChoosesAutoWeight => false;
    string IHybridRetrievalUser.HybridFlag => "--retriever hybrid";

    public IEnumerable<string> Warnings(ArgumentSet arguments) => [];

    /// <param name="hybrid">the fusion flags parsed with this record (for --retriever hybrid)</param>
    public PrepareCtxsRequest ToRequest(HybridArguments? hybrid = null) => new()
    {
        DocumentPath = FullDatasetFilePath,
        Inputs = [.. Input, .. new[] { TrainFile, EvalFile }.OfType<string>()],
        Output = Output,
        Retriever = Retriever switch { RetrieverKind.Dense => "dense", RetrieverKind.Hybrid => "hybrid", _ => "bm25" },
        ModelNameOrPath = ModelNameOrPath,
        Hybrid = hybrid,
        NContext = NContext,
        BatchSize = BatchSize,
    };
}
