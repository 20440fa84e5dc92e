namespace LocalRqa.Hub;

/// <summary>
/// Turns <c>--model_name_or_path</c> into a local folder holding config.json, tokenizer files and weights:
/// a local folder as is; else a built-in model; else a hub id (<c>org/name[@revision]</c>) from the shared
/// Hugging Face cache; else downloaded into that cache.
/// </summary>
internal sealed class ModelResolver
{
    private readonly HubSettings settings;
    private readonly Func<string, string?>? builtInResolver;
    private readonly TextWriter? log;

    /// <summary>Uses the process environment (HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE, ...).</summary>
    public ModelResolver(Func<string, string?>? builtInResolver = null)
        : this(HubSettings.FromEnvironment(), builtInResolver)
    {
    }

    /// <param name="settings">Hub endpoint, token, cache root and offline flag.</param>
    /// <param name="builtInResolver">Maps a model name to a folder of a model that ships with the tool, or null.</param>
    /// <param name="log">Download progress output; null means stderr.</param>
    public ModelResolver(HubSettings settings, Func<string, string?>? builtInResolver = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        this.builtInResolver = builtInResolver;
        this.log = log;
        Cache = new HubCache(settings.CacheRoot);
    }

    public HubCache Cache { get; }

    public string Resolve(string nameOrPath) => ResolveAsync(nameOrPath).GetAwaiter().GetResult();

    public async Task<string> ResolveAsync(string nameOrPath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new RqaException("no model given: pass a local folder or a hub id like 'org/name'");
        string text = nameOrPath.Trim();

        string path = HubSettings.ExpandHome(text, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        if (Directory.Exists(path)) return Path.GetFullPath(path);
        if (LooksLikePath(text))
        {
            // A path that is clearly meant as one must not silently turn into a hub request.
            throw new RqaException(File.Exists(path)
                ? $"model folder expected, but {text} is a file; pass the folder that contains config.json"
                : $"model folder not found: {text}");
        }

        if (builtInResolver?.Invoke(text) is { } builtIn)
        {
            if (!Directory.Exists(builtIn)) throw new RqaException($"built-in model {text} is missing its folder {builtIn}");
            return Path.GetFullPath(builtIn);
        }

        var id = HubRepoId.Parse(text);
        string? commit = Cache.TryGetSnapshotCommit(id);
        List<string> undecided = [];
        bool hasWeights = false;
        if (commit is not null)
        {
            string snapshot = Cache.SnapshotFolder(id, commit);
            // Offline a snapshot is used as is (the checkpoint loader reports missing weights). Online, one that
            // another tool left without weights or without a word on some optional file (Python fetching only
            // transformers files skips modules.json and the pooling config) is completed at its own commit.
            if (settings.Offline) return snapshot;
            undecided = Cache.UndecidedOptionalFiles(id, commit);
            hasWeights = HasWeights(snapshot);
            if (hasWeights && undecided.Count == 0) return snapshot;
        }

        if (settings.Offline)
            throw new RqaException(
                $"model {id} is not in the Hugging Face cache at {Cache.RepoFolder(id)} and offline mode is on " +
                "(HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE); download it once while online, or pass a local folder" +
                (settings.BuiltInModels.Count > 0 ? $", or use a built-in model ({string.Join(", ", settings.BuiltInModels)})" : ""));

        using var client = new HubClient(settings, Cache, log);
        try
        {
            return commit is null
                ? await client.DownloadModelAsync(id, cancellationToken)
                : await client.CompleteSnapshotAsync(id, commit, undecided, weights: !hasWeights, cancellationToken);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RqaException($"cannot write to the Hugging Face cache at {Cache.Root} ({e.Message}); set HF_HUB_CACHE to a writable folder", e);
        }
    }

    private static bool HasWeights(string folder) =>
        HubModelFiles.Weights.Any(w => File.Exists(Path.Combine(folder, w.SingleFile)) || File.Exists(Path.Combine(folder, w.IndexFile)));

    /// <summary>Relative/absolute/home paths and Windows separators; a bare <c>org/name</c> stays a hub id.</summary>
    public static bool LooksLikePath(string text) =>
        text.StartsWith('.') || text.StartsWith('/') || text.StartsWith('~') || text.Contains('\\')
        || (text.Length >= 2 && char.IsAsciiLetter(text[0]) && text[1] == ':');
}
