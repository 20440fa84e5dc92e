using LocalRqa.Arguments;
using LocalRqa.Encoders;
using LocalRqa.Modeling.CausalLm;
using LocalRqa.Modeling.T5;

namespace LocalRqa.Preflight;

/// <summary>
/// The checks every job (encode, test-retriever, prepare-ctxs, train ctl/dca/rpg) makes before its first expensive step
/// (embedding, reader scoring, training) and before it writes anything (all_args.json, the log file): each model resolved
/// (downloaded if need be) and loadable, metric names known, output paths creatable. A run that fails here has spent
/// seconds and left nothing behind. Models are resolved once per run: the job asks <see cref="ResolveModel"/> again later.
/// </summary>
internal sealed class RunPreflight(Func<string, string> resolve, TextWriter log)
{
    readonly Dictionary<string, string> folders = new(StringComparer.Ordinal);

    /// <summary>A model name (folder, built-in, hub id) → its local folder, resolved (and downloaded) once per run.</summary>
    public string ResolveModel(string nameOrPath)
    {
        if (!folders.TryGetValue(nameOrPath, out var folder)) folders[nameOrPath] = folder = resolve(nameOrPath);
        return folder;
    }

    /// <summary>
    /// A retriever loaded as the job loads it: config, tokenizer, every weight's name and shape. The caller owns it (a job
    /// that keeps it loads nothing twice). With <paramref name="prompt"/>, a prompt flag the model has no prompt for is a warning.
    /// </summary>
    public SentenceEncoder Retriever(string nameOrPath, EncoderOverrides overrides, (string Flag, PromptKind Kind)? prompt = null)
    {
        var encoder = SentenceEncoder.Load(ResolveModel(nameOrPath), overrides);
        if (prompt is { Kind: not PromptKind.None } asked && encoder.Settings.Prompt(asked.Kind).Length == 0)
        {
            var kind = asked.Kind.ToString().ToLowerInvariant();
            log.WriteLine($"warning: {asked.Flag} {kind} has no effect: {nameOrPath} has no {kind} prompt (its config_sentence_transformers.json names none)");
        }
        return encoder;
    }

    /// <summary>A retriever that the job loads later: checked the same way, then released.</summary>
    public void CheckRetriever(string nameOrPath, EncoderOverrides overrides)
    {
        using var encoder = Retriever(nameOrPath, overrides);
    }

    /// <summary>
    /// A checkpoint to resume from: a folder with every weight of <paramref name="encoder"/> in its shape (checked, not
    /// loaded: the trainer loads them when it resumes, and until then the encoder stays the base model, e.g. for mining).
    /// </summary>
    public static void ResumeCheckpoint(string checkpoint, SentenceEncoder encoder)
    {
        if (!Directory.Exists(checkpoint)) throw new RqaException($"--resume_from_checkpoint {checkpoint}: no such checkpoint folder");
        encoder.LoadWeights(checkpoint, copy: false);
    }

    /// <summary>A FiD reader (DCA's teacher): resolved, and its config.json that of a T5 encoder-decoder rqa can run.</summary>
    public string Reader(string nameOrPath)
    {
        var folder = ResolveModel(nameOrPath);
        T5Config.Load(folder);
        return folder;
    }

    /// <summary>A causal LM (RPG's teacher): resolved, and its config.json that of a supported architecture.</summary>
    public string LanguageModel(string nameOrPath)
    {
        var folder = ResolveModel(nameOrPath);
        CausalLmFamily.LoadSettings(folder);
        return folder;
    }

    /// <summary>A metric name the evaluation will report (<paramref name="known"/>), or a one-line error with the closest ones.</summary>
    public static void Metric(string flag, string name, IReadOnlyCollection<string> known)
    {
        if (known.Contains(name)) return;
        var close = FlagSuggestions.Close(name, known);
        var hint = close.Count > 0 ? $"did you mean {string.Join(", ", close)}?" : $"e.g. {known.First()}";
        throw new RqaException($"{flag} {name} is not among the evaluation's metrics ({hint}); checked before any training step");
    }

    /// <summary>
    /// A folder the job will create or write into: refused when it, or a folder above it, is a file, or when the nearest
    /// existing folder refuses a new entry (tried with a probe that is removed at once).
    /// </summary>
    public static void OutputFolder(string flag, string path)
    {
        var full = Path.GetFullPath(path);
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new RqaException(existing == full
                    ? $"{flag} {path} is a file, not a folder"
                    : $"{flag} {path} cannot be created: {existing} is a file, not a folder");
            existing = Path.GetDirectoryName(existing) ?? throw new RqaException($"{flag} {path}: no existing folder above it");
        }
        Probe(flag, path, existing);
    }

    /// <summary>A file the job will write: not a folder, in a folder that exists or can be created and that takes new files.</summary>
    public static void OutputFile(string flag, string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new RqaException($"{flag} {path} is a folder, expected a file path");
        OutputFolder(flag, Path.GetDirectoryName(full)!);
    }

    static void Probe(string flag, string path, string folder)
    {
        var probe = Path.Combine(folder, $".rqa-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RqaException($"{flag} {path} cannot be written: {folder} refuses new files ({e.Message})");
        }
        finally { File.Delete(probe); }
    }
}
