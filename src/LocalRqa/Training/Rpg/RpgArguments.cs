using LocalRqa.Arguments;
using LocalRqa.BuiltIn;
using LocalRqa.Teachers.LanguageModel;
using static TorchSharp.torch;

namespace LocalRqa.Training.Rpg;

/// <summary>
/// Flags of `rqa train rpg` (LocalRQA's ReplugTrainingArgs with its defaults, and the rqa additions below the
/// line), saved under "replug_args" in all_args.json. Parsed together with <see cref="TrainingArguments"/>.
/// </summary>
public sealed record RpgArguments : IArgumentRecord
{
    /// <summary>`--lm_model_path`: The frozen causal LM (folder or hub id; Llama, Mistral, Qwen2, StableLM) whose answer likelihood scores the passages.</summary>
    public string LmModelPath { get; init; } = "stabilityai/stablelm-zephyr-3b";
    /// <summary>`--text_maxlength`: Tokens of prompt + answer the LM reads; longer sequences are cut from the left.</summary>
    public int TextMaxlength { get; init; } = 512;
    /// <summary>`--lm_temperature`: Divides the LM scores (mean answer log-probabilities) before their softmax: the target distribution.</summary>
    public double LmTemperature { get; init; } = 0.1;
    /// <summary>`--retrieve_temperature`: Divides the retriever's cosine scores before their softmax.</summary>
    public double RetrieveTemperature { get; init; } = 0.1;
    /// <summary>`--num_docs`: Passages retrieved per training question (the gold passage is always among them, first).</summary>
    public int NumDocs { get; init; } = 20;
    /// <summary>`--refresh_step`: Re-embed the whole database with the current retriever every this many optimizer steps.</summary>
    public int RefreshStep { get; init; } = 10;

    // rqa additions
    /// <summary>`--lm_dtype`: Weights of the LM: float32, or bfloat16 (half the memory; slow on CPUs without native bfloat16).</summary>
    public ScalarType LmDtype { get; init; } = ScalarType.Float32;
    /// <summary>A prompt template file; null: LocalRQA's RPG prompt (<see cref="RpgPromptTemplate.Default"/>).</summary>
    public string? LmPromptTemplate { get; init; }
    /// <summary>`--train_passage_encoder`: Train the passage side too (LocalRQA); false: passages keep the initial model's embeddings, so the index never needs a refresh.</summary>
    public bool TrainPassageEncoder { get; init; } = true;
    /// <summary>The LM score cache file; null: <see cref="DefaultScoreCachePath"/>.</summary>
    public string? LmScoreCache { get; init; }
    /// <summary>Sequences per LM forward pass; 0 = the num_docs passages of a question at once.</summary>
    public int LmBatchSize { get; init; }

    internal static ArgumentSchema Schema { get; } = new ArgumentSchemaBuilder<RpgArguments>(new(), "replug_args")
        .Text("lm_model_path", a => a.LmModelPath, (a, v) => a with { LmModelPath = v },
            "The frozen causal LM (folder or hub id; Llama, Mistral, Qwen2, StableLM) whose answer likelihood scores the passages.")
        .Integer("text_maxlength", a => a.TextMaxlength, (a, v) => a with { TextMaxlength = v },
            "Tokens of prompt + answer the LM reads; longer sequences are cut from the left.")
        .Number("lm_temperature", a => a.LmTemperature, (a, v) => a with { LmTemperature = v },
            "Divides the LM scores (mean answer log-probabilities) before their softmax: the target distribution.")
        .Number("retrieve_temperature", a => a.RetrieveTemperature, (a, v) => a with { RetrieveTemperature = v },
            "Divides the retriever's cosine scores before their softmax.")
        .Integer("num_docs", a => a.NumDocs, (a, v) => a with { NumDocs = v },
            "Passages retrieved per training question (the gold passage is always among them, first).")
        .Integer("refresh_step", a => a.RefreshStep, (a, v) => a with { RefreshStep = v },
            "Re-embed the whole database with the current retriever every this many optimizer steps.")
            .OnlyWhen(a => a.TrainPassageEncoder, "with --train_passage_encoder false: passages keep their initial embeddings, so the index is never refreshed")
        .Choice("lm_dtype", [("float32", ScalarType.Float32), ("bfloat16", ScalarType.BFloat16)],
            a => a.LmDtype, (a, v) => a with { LmDtype = v },
            "Weights of the LM: float32, or bfloat16 (half the memory; slow on CPUs without native bfloat16).")
        .OptionalText("lm_prompt_template", a => a.LmPromptTemplate, (a, v) => a with { LmPromptTemplate = v },
            "A UTF-8 file with the LM prompt ({formatted_documents} takes the passage, {formatted_chat} the question); none: LocalRQA's prompt.")
        .Boolean("train_passage_encoder", a => a.TrainPassageEncoder, (a, v) => a with { TrainPassageEncoder = v },
            "Train the passage side too (LocalRQA); false: passages keep the initial model's embeddings, so the index never needs a refresh.")
        .OptionalText("lm_score_cache", a => a.LmScoreCache, (a, v) => a with { LmScoreCache = v },
            "Append-only file of LM scores shared by steps, epochs and runs; none: $RQA_CACHE/lm-scores/<LM name>.jsonl.")
        .Integer("lm_batch_size", a => a.LmBatchSize, (a, v) => a with { LmBatchSize = v },
            "Sequences per LM forward pass; 0 scores the num_docs passages of a question in one pass.")
        .Build();

    ArgumentSchema IArgumentRecord.Schema => Schema;

    /// <summary>The prompt template this run uses (read and checked here, so a bad file fails before anything is written).</summary>
    internal RpgPromptTemplate Template() => LmPromptTemplate is { } path ? RpgPromptTemplate.Load(path) : RpgPromptTemplate.Default;

    /// <summary>
    /// The cache file when --lm_score_cache is not given: one file per LM under the rqa cache folder (RQA_CACHE, else
    /// ~/.cache/localrqa), outside output_dir so that later runs, with other output folders, reuse the scores. The keys
    /// hold the LM's fingerprint, so a changed LM under the same name never reads stale scores.
    /// </summary>
    internal string DefaultScoreCachePath(string? cacheRoot = null)
    {
        var trimmed = LmModelPath.TrimEnd('/', '\\');
        var name = Directory.Exists(trimmed)
            ? $"{Path.GetFileName(trimmed)}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(trimmed))))[..12]}"
            : trimmed.Replace("/", "--");
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return Path.Combine(cacheRoot ?? BuiltInModels.DefaultCacheRoot(), "lm-scores", safe + ".jsonl");
    }

    void IArgumentRecord.Validate(ArgumentSet arguments)
    {
        Require(LmModelPath.Trim().Length > 0, "--lm_model_path needs a value");
        Require(TextMaxlength >= 2, $"--text_maxlength must be at least 2, got {F(TextMaxlength)}");
        Require(LmTemperature > 0, $"--lm_temperature must be > 0, got {F(LmTemperature)}");
        Require(RetrieveTemperature > 0, $"--retrieve_temperature must be > 0, got {F(RetrieveTemperature)}");
        Require(NumDocs >= 2, $"--num_docs must be at least 2 (the loss compares passages), got {F(NumDocs)}");
        Require(RefreshStep >= 1, $"--refresh_step must be at least 1, got {F(RefreshStep)}");
        Require(LmBatchSize >= 0, $"--lm_batch_size must be >= 0 (0: all passages of a question at once), got {F(LmBatchSize)}");
        _ = Template();
        var training = arguments.Records.OfType<TrainingArguments>().SingleOrDefault();
        Require(training is null || training.FullDatasetFilePath is not null,
            "rqa train rpg retrieves its training passages from the document database: it needs --full_dataset_file_path");
    }

    IEnumerable<string> IArgumentRecord.Warnings(ArgumentSet arguments)
    {
        if (LmDtype == ScalarType.BFloat16)
            yield return "--lm_dtype bfloat16 halves the LM's memory but is slow on CPUs without native bfloat16 arithmetic; float32 is faster where it fits";
        if (LmTemperature < 0.01)
            yield return $"--lm_temperature {F(LmTemperature)} is very small: the target puts all its mass on the LM's best passage";
    }

    static string F(object? value) => ArgumentField.Format(value);

    static void Require(bool condition, string message)
    {
        if (!condition) throw new RqaException(message);
    }
}
