using LocalRqa.Arguments;
using LocalRqa.Encoders;
using LocalRqa.Training.Mining;

namespace LocalRqa.Training.Dca;

/// <summary>
/// Flags of `rqa train dca` (LocalRQA's FidTrainingArgs, defaults included, plus rqa's --prepare_ctxs), saved under
/// "fid_args" in all_args.json. Parsed together with <see cref="TrainingArguments"/>.
/// </summary>
public sealed record DcaArguments : IArgumentRecord
{
    /// <summary>`--reader_model_path`: FiD reader whose cross-attention scores the passages: a T5 encoder-decoder folder or Hub id (from the local cache).</summary>
    public string ReaderModelPath { get; init; } = "google/flan-t5-xl";
    /// <summary>`--with_score`: True: the train/eval files already carry crossattention_score (or &lt;name&gt;_wscore.json exists beside them); False: score them with the reader first and save &lt;name&gt;_wscore.json beside the inputs.</summary>
    public bool WithScore { get; init; }
    /// <summary>`--text_maxlength`: Tokens kept per reader input (question + passage) and per retriever passage.</summary>
    public int TextMaxlength { get; init; } = 512;
    /// <summary>`--n_context`: Passages (ctxs) per question, best-scored first.</summary>
    public int NContext { get; init; } = 50;
    /// <summary>`--apply_question_mask`: Mask question padding in attention and pooling; False attends to and averages over padding, as LocalRQA does.</summary>
    public bool ApplyQuestionMask { get; init; } = true;
    /// <summary>`--apply_passage_mask`: Mask passage padding; False pads passages to --text_maxlength and averages over the padding too.</summary>
    public bool ApplyPassageMask { get; init; } = true;
    /// <summary>`--extract_cls`: Embed with the first token's state instead of a mean.</summary>
    public bool ExtractCls { get; init; }
    /// <summary>`--projection`: Train a Linear(hidden → --indexing_dimension) + LayerNorm on token states before pooling; saved with the model in projection/.</summary>
    public bool Projection { get; init; }
    /// <summary>`--reader_temperature`: T of the target softmax(reader score / T).</summary>
    public double ReaderTemperature { get; init; } = 0.1;
    /// <summary>`--reader_batch_size`: Questions per reader batch (each with --n_context passages) while scoring.</summary>
    public int ReaderBatchSize { get; init; } = 4;
    /// <summary>`--indexing_dimension`: Embedding size of --projection.</summary>
    public int IndexingDimension { get; init; } = 768;
    /// <summary>Builds ctxs for LocalRQA train/eval files before training; None expects DCA files.</summary>
    public NegativeMiningSource PrepareCtxs { get; init; } = NegativeMiningSource.None;
    /// <summary>The dense model of --prepare_ctxs dense; null: --model_name_or_path as it is before training.</summary>
    public string? PrepareCtxsModel { get; init; }

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<DcaArguments>(new(), "fid_args")
        .Text("reader_model_path", a => a.ReaderModelPath, (a, v) => a with { ReaderModelPath = v },
            "FiD reader whose cross-attention scores the passages: a T5 encoder-decoder folder or Hub id (from the local cache).")
        .Number("reader_temperature", a => a.ReaderTemperature, (a, v) => a with { ReaderTemperature = v },
            "T of the target softmax(reader score / T).")
        .Boolean("with_score", a => a.WithScore, (a, v) => a with { WithScore = v },
            "True: the train/eval files already carry crossattention_score (or <name>_wscore.json exists beside them); "
            + "False: score them with the reader first and save <name>_wscore.json beside the inputs.")
        .Integer("text_maxlength", a => a.TextMaxlength, (a, v) => a with { TextMaxlength = v },
            "Tokens kept per reader input (question + passage) and per retriever passage.")
        .Integer("n_context", a => a.NContext, (a, v) => a with { NContext = v }, "Passages (ctxs) per question, best-scored first.")
        .Boolean("apply_question_mask", a => a.ApplyQuestionMask, (a, v) => a with { ApplyQuestionMask = v },
            "Mask question padding in attention and pooling; False attends to and averages over padding, as LocalRQA does.")
        .Boolean("apply_passage_mask", a => a.ApplyPassageMask, (a, v) => a with { ApplyPassageMask = v },
            "Mask passage padding; False pads passages to --text_maxlength and averages over the padding too.")
        .Boolean("extract_cls", a => a.ExtractCls, (a, v) => a with { ExtractCls = v }, "Embed with the first token's state instead of a mean.")
        .Boolean("projection", a => a.Projection, (a, v) => a with { Projection = v },
            "Train a Linear(hidden → --indexing_dimension) + LayerNorm on token states before pooling; saved with the model in projection/.")
        .Integer("reader_batch_size", a => a.ReaderBatchSize, (a, v) => a with { ReaderBatchSize = v },
            "Questions per reader batch (each with --n_context passages) while scoring.")
        .Integer("indexing_dimension", a => a.IndexingDimension, (a, v) => a with { IndexingDimension = v },
            "Embedding size of --projection.")
            .OnlyWhen(a => a.Projection, "without --projection True")
        .Choice("prepare_ctxs", [("none", NegativeMiningSource.None), ("bm25", NegativeMiningSource.Bm25), ("dense", NegativeMiningSource.Dense)],
            a => a.PrepareCtxs, (a, v) => a with { PrepareCtxs = v },
            "For LocalRQA train/eval files (no ctxs): retrieve --n_context ctxs per question from --full_dataset_file_path, gold first, "
            + "into <output_dir>/<name>_ctxs.json (as `rqa prepare-ctxs`); none expects DCA files.")
        .OptionalText("prepare_ctxs_model", a => a.PrepareCtxsModel, (a, v) => a with { PrepareCtxsModel = v },
            "Dense model of --prepare_ctxs dense; defaults to --model_name_or_path before training.")
            .OnlyWhen(a => a.PrepareCtxs == NegativeMiningSource.Dense, "without --prepare_ctxs dense")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        Require(ReaderModelPath.Trim().Length > 0 || WithScore, "--reader_model_path needs a value (or pass --with_score True with scored files)");
        Require(ReaderTemperature > 0, $"--reader_temperature must be > 0, got {F(ReaderTemperature)}");
        Require(TextMaxlength >= 2, $"--text_maxlength must be at least 2, got {F(TextMaxlength)}");
        Require(NContext >= 1, $"--n_context must be at least 1, got {F(NContext)}");
        Require(ReaderBatchSize >= 1, $"--reader_batch_size must be at least 1, got {F(ReaderBatchSize)}");
        Require(IndexingDimension >= 1, $"--indexing_dimension must be at least 1, got {F(IndexingDimension)}");
        var training = arguments.Records.OfType<TrainingArguments>().SingleOrDefault();
        Require(PrepareCtxs == NegativeMiningSource.None || training is null || training.FullDatasetFilePath is not null,
            "--prepare_ctxs retrieves ctxs from the document database: it needs --full_dataset_file_path");
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments)
    {
        // A rule on another record's flag: the shared --pooling_type is not how DCA pools (--extract_cls is).
        if (arguments.Records.OfType<TrainingArguments>().SingleOrDefault() is { PoolingType: not PoolingType.Mean } training)
            yield return $"--pooling_type {training.PoolingType.ToString().ToLowerInvariant()} has no effect with rqa train dca: it pools by --extract_cls";
    }

    static string F(object? value) => ArgumentField.Format(value);

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
